/*
 * plan.c — Circuit + analysis -> Plan: which method simulates the circuit, and its tables.
 *
 * (in progress)
 */
#include "codegen.h"

#include <string.h>

static const char *const method_names[] = {
#define METHOD_NAME(id, text) text,
    METHOD_LIST(METHOD_NAME)
#undef METHOD_NAME
};

const char *method_name(Method m) { return m < METHOD__COUNT ? method_names[m] : "?"; }

Method method_lookup(const char *name)
{
    for (int m = 0; m < METHOD__COUNT; m++)
        if (strcmp(method_names[m], name) == 0)
            return (Method)m;
    return METHOD__COUNT;
}

void plan_options_default(PlanOptions *o)
{
    o->method = METHOD_AUTO;
    o->truncate = 0;
    o->max_slots = (uint64_t)1 << 22;
    o->max_qubits = 26;
    o->max_dim = 4096;
}
