/* Open MPI settings made through the environment before MPI_Init (a user's own wins).
 *
 * - sharedfp/lockedfile, queried at every MPI-IO file open, overflows a 256-byte buffer with
 *   file names over ~244 characters (abort). liereg never uses shared file pointers (with a
 *   user's own OMPI_MCA_sharedfp, lie_h5_path_check guards the names).
 * - Started without mpiexec/srun, Open MPI 4.1 forks a support daemon (orted) for the
 *   singleton and waits for its handshake: 1.4 vs 4.2 s of wall time per run on the loaded
 *   2-core development machine, more than a 16-trajectory KS file costs to solve
 *   (docs/BENCHMARKS.md). The daemon only serves MPI_Comm_spawn, which liereg never calls, so
 *   the singleton runs isolated. Isolated singletons all take job family 0, i.e. the same
 *   session directory, which concurrent runs create and remove under each other (MPI_Init
 *   fails) and sharedfp/sm races on: each run gets a private session base instead (removed at
 *   exit; Open MPI empties it at MPI_Finalize), and sharedfp/sm is excluded as well.
 * - An isolated singleton talks to no other process, so hwloc's PCI discovery (reading the
 *   configuration space of every PCI device to place network cards) is skipped: ~5 % of the
 *   CPU time of a short single-rank run (perf, docs/BENCHMARKS.md). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char session_base[4096];

static void remove_session_base(void) {
  if (session_base[0]) rmdir(session_base); /* fails harmlessly if not empty */
}

/* Started by a launcher (mpiexec, srun with PMI/PMIx): Open MPI then is no singleton. */
static int launched(void) {
  const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "OMPI_MCA_orte_hnp_uri"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

void lie_cli_mpi_env(void) {
  int user_sharedfp = getenv("OMPI_MCA_sharedfp") != NULL;
  setenv("OMPI_MCA_sharedfp", "^lockedfile", 0);
  if (user_sharedfp || launched() || getenv("OMPI_MCA_ess_singleton_isolated") || getenv("OMPI_MCA_orte_tmpdir_base"))
    return;
  const char *tmp = getenv("TMPDIR");
  snprintf(session_base, sizeof session_base, "%s/liereg-ompi.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(session_base)) {
    session_base[0] = 0; /* no private directory: keep the daemon */
    return;
  }
  atexit(remove_session_base);
  setenv("OMPI_MCA_orte_tmpdir_base", session_base, 1);
  setenv("OMPI_MCA_sharedfp", "^lockedfile,sm", 1);
  setenv("OMPI_MCA_ess_singleton_isolated", "1", 1);
  setenv("HWLOC_COMPONENTS", "-pci", 0);
}
