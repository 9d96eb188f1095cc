/* HDF5 I/O: parallel dataset files in the LPSDA / PDEArena layouts (docs/FORMATS.md). */
#ifndef LIEREG_IO_H
#define LIEREG_IO_H
#include "liereg/core.h"
#endif
