package ditto

/*
#include <stdint.h>
#include "ditto.h"

int32_t ditto_go_register(void); // host_callbacks.c
*/
import "C"

func init() {
	if rc := C.ditto_go_register(); rc != C.DITTO_OK {
		panic("ditto: cannot register the host-function callbacks")
	}
}
