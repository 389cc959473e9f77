/*
 * train.c — fitting the parameters to labelled samples: full-batch Adam on the mean squared
 * error of the first observable.
 *
 * loss(θ) = (1/M) Σ_m (<O_0>(θ, x_m) − y_m)², whose gradient (2/M) Σ_m (<O_0> − y_m) ∇<O_0>
 * comes from the simulator's own gradient function, one call per sample. Adam (Kingma and
 * Ba) with β1 = 0.9, β2 = 0.999, ε = 1e-8:
 *     m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
 *     θ ← θ − rate · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
 * β^t is kept as a running product rather than pow(β, t), so the steps are the same
 * whatever libm is linked. The loss reported for an epoch is the one before its update (it
 * is computed with the gradient that makes the update, at no extra cost); the final loss is
 * one more evaluation after the last update.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ans_adam_init(AnsAdam *adam, uint32_t n, double rate)
{
    *adam = (AnsAdam){.n = n, .rate = rate, .beta1 = 0.9, .beta2 = 0.999, .epsilon = 1e-8,
                      .beta1_power = 1, .beta2_power = 1};
    adam->m = calloc(n ? n : 1, sizeof *adam->m);
    adam->v = calloc(n ? n : 1, sizeof *adam->v);
    if (!adam->m || !adam->v) {
        ans_adam_free(adam);
        return ANS_ERR_MEMORY;
    }
    return ANS_OK;
}

void ans_adam_step(AnsAdam *adam, double *params, const double *grad)
{
    adam->steps++;
    adam->beta1_power *= adam->beta1;
    adam->beta2_power *= adam->beta2;
    double c1 = 1 - adam->beta1_power, c2 = 1 - adam->beta2_power;
    for (uint32_t j = 0; j < adam->n; j++) {
        adam->m[j] = adam->beta1 * adam->m[j] + (1 - adam->beta1) * grad[j];
        adam->v[j] = adam->beta2 * adam->v[j] + (1 - adam->beta2) * grad[j] * grad[j];
        double m_hat = adam->m[j] / c1, v_hat = adam->v[j] / c2;
        params[j] -= adam->rate * m_hat / (sqrt(v_hat) + adam->epsilon);
    }
}

void ans_adam_free(AnsAdam *adam)
{
    free(adam->m);
    free(adam->v);
    adam->m = adam->v = NULL;
}

int ans_train_loss(const AnsSim *sim, const AnsRows *data, const double *params,
                   const double *state, double *loss, double *grad)
{
    const AnsSimInfo *info = sim->info;
    uint32_t np = info->nparams, nobs = info->nobservables;
    double *values = malloc((nobs ? nobs : 1) * sizeof *values);
    double *gradients = grad ? malloc(((size_t)nobs * np + 1) * sizeof *gradients) : NULL;
    if (!values || (grad && !gradients)) {
        free(values);
        free(gradients);
        return ANS_ERR_MEMORY;
    }
    if (grad)
        memset(grad, 0, np * sizeof *grad);
    double sum = 0;
    int status = ANS_OK;
    for (uint32_t m = 0; m < data->count && status == ANS_OK; m++) {
        const double *x = data->values + (size_t)m * data->width;
        status = grad ? sim->grad(params, x, state, values, gradients)
                      : sim->eval(params, x, state, values);
        if (status != ANS_OK)
            break;
        double residual = values[0] - data->labels[m];
        sum += residual * residual;
        /* Row 0 of the gradient: d<O_0>/dθ_j. */
        for (uint32_t j = 0; grad && j < np; j++)
            grad[j] += 2 * residual * gradients[j];
    }
    if (status == ANS_OK) {
        *loss = sum / data->count;
        for (uint32_t j = 0; grad && j < np; j++)
            grad[j] /= data->count;
    }
    free(values);
    free(gradients);
    return status;
}

int ans_train(const AnsSim *sim, const AnsRows *data, const double *state, double *params,
              uint32_t epochs, double rate, double *losses, AnsEpochFn on_epoch, void *context)
{
    uint32_t np = sim->info->nparams;
    AnsAdam adam;
    if (ans_adam_init(&adam, np, rate) != ANS_OK)
        return ANS_ERR_MEMORY;
    double *grad = malloc((np ? np : 1) * sizeof *grad);
    int status = grad ? ANS_OK : ANS_ERR_MEMORY;
    double loss = 0;
    for (uint32_t k = 0; k < epochs && status == ANS_OK; k++) {
        status = ans_train_loss(sim, data, params, state, &loss, grad);
        if (status != ANS_OK)
            break;
        if (losses)
            losses[k] = loss;
        if (on_epoch)
            on_epoch(context, k + 1, loss);
        ans_adam_step(&adam, params, grad);
    }
    if (status == ANS_OK)
        status = ans_train_loss(sim, data, params, state, &loss, NULL);
    if (status == ANS_OK) {
        if (losses)
            losses[epochs] = loss;
        if (on_epoch)
            on_epoch(context, epochs + 1, loss);
    }
    free(grad);
    ans_adam_free(&adam);
    return status;
}
