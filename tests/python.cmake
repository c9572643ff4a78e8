# Output-format tests that need Python: a file written by the HDF5 writer
# alone must open in xarray (engine h5netcdf) as one labelled dataset, with
# and without a zero-length dimension. Included from tests/CMakeLists.txt.
#
# Debian's /usr/bin/python3 has h5py, h5netcdf, xarray and numpy; the
# python3 first on PATH may not, so the path is fixed on purpose.
find_program(LIQ_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)

add_executable(write_sample_h5 write_sample_h5.c)
target_compile_options(write_sample_h5 PRIVATE ${LIQNET_WARNINGS})
target_link_libraries(write_sample_h5 PRIVATE liqnet_internal m)

if(NOT LIQ_SYSTEM_PYTHON)
  message(WARNING "/usr/bin/python3 not found: test_h5_writer_xarray is not run")
  return()
endif()

set(_liq_sample_dir ${CMAKE_CURRENT_BINARY_DIR}/xarray)
file(MAKE_DIRECTORY ${_liq_sample_dir})

# Writing is a fixture of the checks, so CTest runs it first (and skips the
# checks if it fails).
add_test(NAME h5_writer_sample
         COMMAND write_sample_h5 ${_liq_sample_dir}/sample.h5)
add_test(NAME h5_writer_sample_no_pools
         COMMAND write_sample_h5 ${_liq_sample_dir}/sample_no_pools.h5 --no-pools)
set_tests_properties(h5_writer_sample h5_writer_sample_no_pools
                     PROPERTIES FIXTURES_SETUP liq_h5_sample)

add_test(NAME test_h5_writer_xarray
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_xarray.py
                 ${_liq_sample_dir}/sample.h5 --status complete)
add_test(NAME test_h5_writer_xarray_no_pools
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_xarray.py
                 ${_liq_sample_dir}/sample_no_pools.h5 --status complete)
set_tests_properties(test_h5_writer_xarray test_h5_writer_xarray_no_pools
                     PROPERTIES FIXTURES_REQUIRED liq_h5_sample)

# The writer and positions tests read and write HDF5 files themselves, so
# they need HDF5's headers and libraries, which liqnet links privately.
# (Effective when this file is included after liq_add_test(test_h5_writer)
# and liq_add_test(test_positions), liq_add_test(test_cross), test_stability, test_auction,
# test_perp.)
foreach(_liq_t test_h5_writer test_positions test_cross test_stability test_auction test_perp)
  if(TARGET ${_liq_t})
    target_link_libraries(${_liq_t} PRIVATE liqnet_deps::hdf5)
  endif()
endforeach()

# The run file's /contagion group against a scenario worked by hand
# (tests/data/contagion_small.yaml), on 1, 2 and 3 threads.
add_test(NAME test_contagion_record
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/test_contagion.py)
set_tests_properties(test_contagion_record PROPERTIES
  ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>"
  TIMEOUT 300)

# The chain variables of the run file (docs/hdf5-schema.md, "Chains") against values derived
# by hand from tests/data/chains/chain_output.yaml; a sweep over it keeps them in its run
# groups; files of runs without chains have none of them.
add_test(NAME test_chain_output
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/test_chain_output.py)
set_tests_properties(test_chain_output PROPERTIES
  ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>"
  TIMEOUT 300)

# The run file's /events group (docs/hdf5-schema.md, "Group events"): opened by xarray, its
# rows summing to the per-round series, the flip auctions' rows against their series, and
# output.events: false changing nothing but the group.
add_test(NAME test_events_output
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/test_events.py)
set_tests_properties(test_events_output PROPERTIES
  ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>"
  TIMEOUT 300)

# The Black Thursday replay (graphs/replays/black-thursday-2020.yaml, issue 14) at a tenth
# of its vaults: its headline figures against those recorded in
# tests/data/replays/black_thursday_2020.json. Skipped without ../shared's event data.
add_test(NAME test_black_thursday_replay
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/test_black_thursday_replay.py)
set_tests_properties(test_black_thursday_replay PROPERTIES
  ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>"
  SKIP_RETURN_CODE 77
  TIMEOUT 300)
