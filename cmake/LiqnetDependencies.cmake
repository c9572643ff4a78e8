# Finds liqnet's dependencies (all from Debian packages; see scripts/setup)
# and defines imported targets for those without a CMake package of their own.
include(CMakeFindDependencyMacro)
find_package(OpenMP REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIQNET_YAML REQUIRED IMPORTED_TARGET GLOBAL yaml-0.1)

if(LIQNET_MPI)
  # MPI build (-DLIQNET_MPI=ON, scripts/setup-mpi): Open MPI and Debian's
  # parallel HDF5 (libhdf5-openmpi-dev), which sits beside the serial one;
  # pkg-config's hdf5-openmpi names it, never the serial build.
  find_package(MPI REQUIRED COMPONENTS C)
  pkg_check_modules(LIQNET_HDF5_MPI REQUIRED hdf5-openmpi)
  find_library(LIQNET_HDF5_MPI_HL NAMES hdf5_hl PATHS ${LIQNET_HDF5_MPI_LIBRARY_DIRS}
               NO_DEFAULT_PATH)
  if(NOT LIQNET_HDF5_MPI_HL)
    message(FATAL_ERROR "hdf5_hl of the parallel HDF5 not found in "
                        "${LIQNET_HDF5_MPI_LIBRARY_DIRS}: install libhdf5-openmpi-dev")
  endif()
  find_file(LIQNET_HDF5_MPI_CONF H5pubconf.h PATHS ${LIQNET_HDF5_MPI_INCLUDE_DIRS}
            NO_DEFAULT_PATH)
  file(STRINGS "${LIQNET_HDF5_MPI_CONF}" _liq_h5_parallel REGEX "#define H5_HAVE_PARALLEL 1")
  if(NOT _liq_h5_parallel)
    message(FATAL_ERROR "${LIQNET_HDF5_MPI_CONF}: HDF5 was not built with H5_HAVE_PARALLEL; "
                        "expected Debian's libhdf5-openmpi-dev")
  endif()
  if(NOT TARGET liqnet_deps::hdf5)
    add_library(liqnet_deps::hdf5 INTERFACE IMPORTED GLOBAL)
    set_target_properties(liqnet_deps::hdf5 PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${LIQNET_HDF5_MPI_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${LIQNET_HDF5_MPI_LINK_LIBRARIES};${LIQNET_HDF5_MPI_HL};MPI::MPI_C")
  endif()
else()
  find_package(HDF5 REQUIRED COMPONENTS C HL)
  if(NOT TARGET liqnet_deps::hdf5)
    add_library(liqnet_deps::hdf5 INTERFACE IMPORTED GLOBAL)
    set_target_properties(liqnet_deps::hdf5 PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES};${HDF5_C_HL_LIBRARIES};${HDF5_HL_LIBRARIES}"
      INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS};${HDF5_DEFINITIONS}")
  endif()
endif()

find_path(LIQNET_RANDOM123_INCLUDE_DIR Random123/philox.h)
if(NOT LIQNET_RANDOM123_INCLUDE_DIR)
  message(FATAL_ERROR "Random123 headers not found: install librandom123-dev")
endif()
find_path(LIQNET_CSV_INCLUDE_DIR csv.h)
find_library(LIQNET_CSV_LIBRARY csv)
if(NOT LIQNET_CSV_INCLUDE_DIR OR NOT LIQNET_CSV_LIBRARY)
  message(FATAL_ERROR "libcsv not found: install libcsv-dev")
endif()
if(NOT TARGET liqnet_deps::csv)
  add_library(liqnet_deps::csv UNKNOWN IMPORTED GLOBAL)
  set_target_properties(liqnet_deps::csv PROPERTIES
    IMPORTED_LOCATION "${LIQNET_CSV_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIQNET_CSV_INCLUDE_DIR}")
endif()

# igraph (Debian libigraph-dev 0.10): the network layer (src/graph). Linked
# privately; the public headers never include igraph.h.
pkg_check_modules(LIQNET_IGRAPH REQUIRED IMPORTED_TARGET GLOBAL igraph)

# NLopt (Debian libnlopt-dev 2.7): the derivative-free optimisers of
# `liqnet calibrate` (src/experiment/calibrate.c). Required, not optional:
# calibration is how every replay's parameters are fitted and re-fitted, so
# every build must be able to make it again; an optional dependency would
# give builds whose command list, man page and completions differ. Linked
# privately; the public headers never include nlopt.h.
pkg_check_modules(LIQNET_NLOPT REQUIRED IMPORTED_TARGET GLOBAL nlopt)
