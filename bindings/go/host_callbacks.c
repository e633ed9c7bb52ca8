// Registers the Go host-function callbacks with the native library. The trampolines have the
// exact C signatures of the callback parameters (the exported Go functions use Go's C type
// names, which a C compiler may consider different types).
#include <stdint.h>
#include "ditto.h"
#include "_cgo_export.h"

static void ditto_go_host_call(uint64_t fn_id, uint64_t call_id, const char *input,
                               DittoHostCall *call) {
    dittoGoHostCall(fn_id, call_id, (char *)input, call);
}

static void ditto_go_host_cancel(uint64_t call_id) { dittoGoHostCancel(call_id); }

int32_t ditto_go_register(void) {
    return ditto_host_register(ditto_go_host_call, ditto_go_host_cancel);
}
