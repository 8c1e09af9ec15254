/* cupid's own version, reported by --version, /cupid/health and the man page. */
#pragma once

#define CUPID_VERSION "0.1.0"
