# Finds liereg's dependencies (for the build) and fills LIEREG_PUBLIC_DEPS / LIEREG_PRIVATE_DEPS.
# pkg-config prefixes are LIEREG_* so that the imported targets (PkgConfig::LIEREG_PETSC, ...)
# and variables cannot collide with a parent project's own PETSC_* / HDF5_* (issue 14); the
# installed package re-finds the same targets with lieregConfig.cmake (NOT TARGET guards).
find_package(MPI REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)

# PETSc: honour PETSC_DIR/PETSC_ARCH by putting their pkgconfig dir first.
if(DEFINED ENV{PETSC_DIR})
  set(ENV{PKG_CONFIG_PATH} "$ENV{PETSC_DIR}/$ENV{PETSC_ARCH}/lib/pkgconfig:$ENV{PETSC_DIR}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
endif()
pkg_check_modules(LIEREG_PETSC REQUIRED IMPORTED_TARGET PETSc)
pkg_check_modules(LIEREG_FFTW REQUIRED IMPORTED_TARGET fftw3)
find_library(LIEREG_FFTW_MPI_LIBRARY NAMES fftw3_mpi REQUIRED HINTS ${LIEREG_FFTW_LIBRARY_DIRS})
pkg_check_modules(LIEREG_LAPACKE REQUIRED IMPORTED_TARGET lapacke)
pkg_check_modules(LIEREG_OPENBLAS REQUIRED IMPORTED_TARGET openblas)
# Presentation (src/report): JSON result files on jansson, figures on PLplot (PNG through
# its cairo driver, Debian plplot-driver-cairo, loaded at run time).
pkg_check_modules(LIEREG_JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(LIEREG_PLPLOT REQUIRED IMPORTED_TARGET plplot)

# HDF5 must be the parallel build: collective writes are how ranks share one file.
pkg_check_modules(LIEREG_HDF5 REQUIRED IMPORTED_TARGET hdf5-openmpi)
find_file(LIEREG_H5PUBCONF H5pubconf.h HINTS ${LIEREG_HDF5_INCLUDE_DIRS} REQUIRED NO_DEFAULT_PATH)
file(STRINGS ${LIEREG_H5PUBCONF} LIEREG_H5_PARALLEL REGEX "^#define H5_HAVE_PARALLEL 1")
if(NOT LIEREG_H5_PARALLEL)
  message(FATAL_ERROR "HDF5 at ${LIEREG_HDF5_INCLUDE_DIRS} is not a parallel build (H5_HAVE_PARALLEL); install libhdf5-openmpi-dev")
endif()

set(LIEREG_PUBLIC_DEPS MPI::MPI_C PkgConfig::LIEREG_PETSC PkgConfig::LIEREG_HDF5 PkgConfig::LIEREG_FFTW)
set(LIEREG_PRIVATE_DEPS ${LIEREG_FFTW_MPI_LIBRARY} PkgConfig::LIEREG_LAPACKE PkgConfig::LIEREG_OPENBLAS
    PkgConfig::LIEREG_JANSSON PkgConfig::LIEREG_PLPLOT)
# liereg.pc: what pkg-config knows (Requires.private) and what it does not (Libs.private).
set(LIEREG_PC_REQUIRES_PRIVATE "lapacke openblas jansson plplot")
set(LIEREG_PC_LIBS_PRIVATE "-lfftw3_mpi")

if(LIEREG_WITH_DNNL)
  find_library(DNNL_LIBRARY dnnl)
  find_path(DNNL_INCLUDE_DIR dnnl.h)
  if(DNNL_LIBRARY AND DNNL_INCLUDE_DIR)
    list(APPEND LIEREG_PRIVATE_DEPS ${DNNL_LIBRARY})
    string(APPEND LIEREG_PC_LIBS_PRIVATE " -ldnnl")
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
  string(APPEND LIEREG_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
string(APPEND LIEREG_PC_LIBS_PRIVATE " -lm")
