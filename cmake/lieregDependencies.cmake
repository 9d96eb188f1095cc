# Finds liereg's dependencies and fills LIEREG_PUBLIC_DEPS / LIEREG_PRIVATE_DEPS.
find_package(MPI REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)

# PETSc: honour PETSC_DIR/PETSC_ARCH by putting their pkgconfig dir first.
if(DEFINED ENV{PETSC_DIR})
  set(ENV{PKG_CONFIG_PATH} "$ENV{PETSC_DIR}/$ENV{PETSC_ARCH}/lib/pkgconfig:$ENV{PETSC_DIR}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
endif()
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)
pkg_check_modules(FFTW REQUIRED IMPORTED_TARGET fftw3)
find_library(FFTW_MPI_LIBRARY NAMES fftw3_mpi REQUIRED HINTS ${FFTW_LIBRARY_DIRS})
pkg_check_modules(LAPACKE REQUIRED IMPORTED_TARGET lapacke)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
# Presentation (src/report): JSON result files on jansson, figures on PLplot (PNG through
# its cairo driver, Debian plplot-driver-cairo, loaded at run time).
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(PLPLOT REQUIRED IMPORTED_TARGET plplot)

# HDF5 must be the parallel build: collective writes are how ranks share one file.
pkg_check_modules(HDF5 REQUIRED IMPORTED_TARGET hdf5-openmpi)
find_file(LIEREG_H5PUBCONF H5pubconf.h HINTS ${HDF5_INCLUDE_DIRS} REQUIRED NO_DEFAULT_PATH)
file(STRINGS ${LIEREG_H5PUBCONF} LIEREG_H5_PARALLEL REGEX "^#define H5_HAVE_PARALLEL 1")
if(NOT LIEREG_H5_PARALLEL)
  message(FATAL_ERROR "HDF5 at ${HDF5_INCLUDE_DIRS} is not a parallel build (H5_HAVE_PARALLEL); install libhdf5-openmpi-dev")
endif()

set(LIEREG_PUBLIC_DEPS MPI::MPI_C PkgConfig::PETSC PkgConfig::HDF5 PkgConfig::FFTW)
set(LIEREG_PRIVATE_DEPS ${FFTW_MPI_LIBRARY} PkgConfig::LAPACKE PkgConfig::OPENBLAS PkgConfig::JANSSON PkgConfig::PLPLOT)

if(LIEREG_WITH_DNNL)
  find_library(DNNL_LIBRARY dnnl)
  find_path(DNNL_INCLUDE_DIR dnnl.h)
  if(DNNL_LIBRARY AND DNNL_INCLUDE_DIR)
    list(APPEND LIEREG_PRIVATE_DEPS ${DNNL_LIBRARY})
    set(LIEREG_HAVE_DNNL 1)
  else()
    message(WARNING "oneDNN not found: networks use the reference C backend")
    set(LIEREG_HAVE_DNNL 0)
  endif()
else()
  set(LIEREG_HAVE_DNNL 0)
endif()
find_package(OpenMP COMPONENTS C)
if(OpenMP_C_FOUND)
  list(APPEND LIEREG_PRIVATE_DEPS OpenMP::OpenMP_C)
endif()
