/* Latency α and inverse bandwidth β of MPI_Allreduce (float sum) and MPI_Allgather on the
 * ranks it runs on, for the data-parallel cost model of docs/SSL.md. Prints one JSON line per
 * message size (the minimum over repetitions: the least-disturbed run on a shared machine).
 * usage: mpiexec -n P bench_allreduce [max_floats]  (default 16M floats = 64 MB) */
#include "liereg/core.h"

#include <petscsys.h>
#include <stdlib.h>

static double time_op(MPI_Comm comm, int gather, float *a, float *b, int n, int reps) {
  double best = 1e30;
  for (int k = 0; k < reps; k++) {
    MPI_Barrier(comm);
    double t0 = MPI_Wtime();
    if (gather)
      MPI_Allgather(a, n, MPI_FLOAT, b, n, MPI_FLOAT, comm);
    else
      MPI_Allreduce(a, b, n, MPI_FLOAT, MPI_SUM, comm);
    double t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, comm);
    if (t < best) best = t;
  }
  return best;
}

int main(int argc, char **argv) {
  long maxn = argc > 1 ? atol(argv[1]) : 16L << 20;
  int size, rank;
  PetscInitialize(&argc, &argv, NULL, NULL);
  MPI_Comm comm = PETSC_COMM_WORLD;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  float *a = malloc(sizeof(float) * maxn), *b = malloc(sizeof(float) * maxn * size);
  for (long i = 0; i < maxn; i++)
    a[i] = 1.0f;
  for (long n = 1; n <= maxn; n *= 4) {
    int reps = n < (1 << 16) ? 50 : n < (1 << 22) ? 10 : 4;
    double tr = time_op(comm, 0, a, b, (int)n, reps);
    double tg = n * size <= maxn * size ? time_op(comm, 1, a, b, (int)n, reps) : 0;
    if (rank == 0)
      printf("{\"bench\": \"collectives\", \"ranks\": %d, \"floats\": %ld, \"bytes\": %ld, \"allreduce_us\": %.2f, "
             "\"allgather_us\": %.2f}\n",
             size, n, 4 * n, 1e6 * tr, 1e6 * tg);
  }
  free(a);
  free(b);
  PetscFinalize();
  return 0;
}
