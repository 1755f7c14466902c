/* summary.json: the headline numbers of a run. */
#include <string.h>

#include "run_internal.h"

static nz_status set(nz_run *r, const char *key, json_t *value)
{
    if (!r || !key || !*key) {
        json_decref(value);
        return nz_error(NZ_ERR_INVALID, "summary: need a run and a non-empty key");
    }
    if (!value) return nz_error(NZ_ERR_NOMEM, "out of memory setting summary '%s'", key);
    if (nz_run_summary_key_reserved(key)) {
        json_decref(value);
        return nz_error(NZ_ERR_INVALID, "summary key '%s' is reserved (nazo records it itself); "
                        "choose another name", key);
    }
    pthread_mutex_lock(&r->lock);
    int rc = json_object_set_new(r->summary, key, value);
    pthread_mutex_unlock(&r->lock);
    return rc == 0 ? NZ_OK : nz_error(NZ_ERR_NOMEM, "cannot set summary '%s'", key);
}

nz_status nz_run_summary_number(nz_run *r, const char *key, double value)
{
    /* JSON has no NaN or infinity: record them as strings rather than fail. */
    if (value != value) return set(r, key, json_string("nan"));
    if (value > 1.7976931348623157e308) return set(r, key, json_string("inf"));
    if (value < -1.7976931348623157e308) return set(r, key, json_string("-inf"));
    return set(r, key, json_real(value));
}

nz_status nz_run_summary_string(nz_run *r, const char *key, const char *value)
{
    if (!value) return nz_error(NZ_ERR_INVALID, "summary '%s': NULL string", key ? key : "?");
    return set(r, key, json_string(value));
}

nz_status nz_run_summary_json(nz_run *r, const char *key, const char *json_text)
{
    if (!json_text) return nz_error(NZ_ERR_INVALID, "summary '%s': NULL JSON text", key ? key : "?");
    json_error_t err;
    json_t *v = json_loads(json_text, JSON_DECODE_ANY, &err);
    if (!v)
        return nz_error(NZ_ERR_INVALID, "summary '%s': invalid JSON at line %d column %d: %s",
                        key ? key : "?", err.line, err.column, err.text);
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        return nz_error(NZ_ERR_INVALID, "summary '%s': expected a JSON object or array; "
                        "use nz_run_summary_number/string for single values", key ? key : "?");
    }
    return set(r, key, v);
}

nz_status nz_run_summary_write(nz_run *r)
{
    if (!r) return nz_error(NZ_ERR_INVALID, "nz_run_summary_write: NULL run");
    pthread_mutex_lock(&r->lock);
    nz_status s = nz_run_summary_write_locked(r);
    pthread_mutex_unlock(&r->lock);
    return s;
}
