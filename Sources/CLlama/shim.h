// llama.cpp's C API, installed by Scripts/bootstrap (pkg-config: llama).
#include <llama.h>
