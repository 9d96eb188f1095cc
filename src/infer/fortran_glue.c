/* C side of the Fortran module (src/fortran/liereg.f90): what ISO_C_BINDING cannot express
 * directly. A Fortran MPI communicator is an integer handle (mpi / mpif.h; mpi_f08's
 * MPI_Comm%MPI_VAL is the same integer), converted with MPI_Comm_f2c; the error message is
 * copied into a Fortran-owned buffer. */
#include "liereg/infer.h"

#include <string.h>

int lie_ctx_create_f(MPI_Fint comm, lie_ctx *ctx) { return lie_ctx_create(MPI_Comm_f2c(comm), ctx); }

/* The last error message, NUL-terminated and truncated to n bytes (n >= 1). */
void lie_error_message_f(char *buf, int n) {
  if (n < 1) return;
  snprintf(buf, (size_t)n, "%s", lie_error_message());
}
