/* Shorthand for writing field tables: each resource file defines ALIAS first. */
#pragma once
#include "model/model.h"

#define INT32MAX 2147483647L
/* A stored column of the resource's own table. */
#define COL(n, t, acc_, lo, hi, def_, fl)                                                          \
	{                                                                                           \
		.name = n, .type = t, .acc = acc_, .expr = ALIAS "." n, .stored = true, .min = lo,  \
		.max = hi, .def = def_, .flags = fl                                                 \
	}
#define BOOLCOL(n, acc_, def_) COL(n, T_BOOL, acc_, 0, 0, def_, 0)
/* A value computed from SQL as the response is written. */
#define DERIVED(n, t, e)                                                                            \
	{                                                                                           \
		.name = n, .type = t, .acc = A_R, .expr = e                                         \
	}
/* ObjectId as stored; fixtures may name ids of 1-64 characters from [A-Za-z0-9-]. */
#define OBJECTID                                                                                    \
	{                                                                                           \
		.name = "ObjectId", .type = T_ID, .acc = A_R, .expr = ALIAS ".ObjectId",            \
		.stored = true, .min = 1, .max = 64,                                                \
		.charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"        \
	}
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
