/*
 * status.c — the runtime's status codes and their messages (ansc_sim.h).
 */
#include "ansc_sim.h"

const char *ans_status_message(int status)
{
    switch (status) {
    case ANS_OK: return "success";
    case ANS_ERR_MEMORY: return "out of memory";
    default: return "unknown status";
    }
}
