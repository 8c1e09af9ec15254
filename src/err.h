/* Internal error codes: functions return 0 or a negative ERR_*; api/error.c maps each to the
 * HTTP status and CUPI code (SPEC §4.1). */
#pragma once

enum {
	ERR_INVALID = -1,      /* 400 INVALID_PARAMETER */
	ERR_LICENSE = -2,      /* 400 LICENSE_EXCEEDED */
	ERR_DUPLICATE = -3,    /* 400 DUPLICATE_NAME */
	ERR_AUTH = -4,         /* 401 AUTHENTICATION_FAILED */
	ERR_FORBIDDEN = -5,    /* 403 FORBIDDEN */
	ERR_NOT_FOUND = -6,    /* 404 NOT_FOUND */
	ERR_METHOD = -7,       /* 405 METHOD_NOT_ALLOWED */
	ERR_NOT_ACCEPTABLE = -8, /* 406 NOT_ACCEPTABLE */
	ERR_TOO_LARGE = -9,    /* 413 PAYLOAD_TOO_LARGE */
	ERR_MEDIA_TYPE = -10,  /* 415 UNSUPPORTED_MEDIA_TYPE */
	ERR_INTERNAL = -11,    /* 500 INTERNAL_ERROR */
	ERR_BUSY = -12,        /* 503 SERVER_BUSY */
	ERR_TOO_MANY = -13,    /* 429 TOO_MANY_REQUESTS */
};
#define ERR_COUNT 13
