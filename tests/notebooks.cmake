# The Python reader's tests and the notebooks, run headless. Included from
# tests/CMakeLists.txt.
#
# Everything runs under Debian's /usr/bin/python3 (numpy, pandas, xarray,
# h5py, h5netcdf, matplotlib, PyYAML, nbconvert, ipykernel; networkx for 04); the python3
# first on PATH may lack them. A notebook test executes every cell with
# `python3 -m nbconvert --execute` and fails if any cell raises. The kernel
# is pinned: JUPYTER_PATH points at a kernelspec written here whose argv is
# /usr/bin/python3, and JUPYTER_PATH comes before the user's own kernels, so a
# `python3` kernel installed for another interpreter is never used.
find_program(LIQ_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT LIQ_SYSTEM_PYTHON)
  message(WARNING "/usr/bin/python3 not found: the Python reader and notebook tests are not run")
  return()
endif()

add_test(NAME test_python_reader
         COMMAND ${LIQ_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/test_reader.py)
set_tests_properties(test_python_reader PROPERTIES
  ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>"
  TIMEOUT 300)

# The notebooks run sweeps of hundreds of runs: about a minute in all at
# SCALE 1 in an optimised build, too long under the sanitizers.
if(LIQNET_SANITIZE)
  return()
endif()

execute_process(COMMAND ${LIQ_SYSTEM_PYTHON} -c "import nbconvert, nbclient, ipykernel"
                RESULT_VARIABLE _liq_nb_missing OUTPUT_QUIET ERROR_QUIET)
if(_liq_nb_missing)
  message(WARNING "Debian's python3 lacks nbconvert, nbclient or ipykernel "
                  "(jupyter-nbconvert, python3-ipykernel): the notebooks are not run")
  return()
endif()

set(_liq_nb_dir ${CMAKE_CURRENT_BINARY_DIR}/notebooks)
file(MAKE_DIRECTORY ${_liq_nb_dir}/kernels/python3 ${_liq_nb_dir}/runtime ${_liq_nb_dir}/ipython)
file(WRITE ${_liq_nb_dir}/kernels/python3/kernel.json
"{
  \"argv\": [\"${LIQ_SYSTEM_PYTHON}\", \"-m\", \"ipykernel_launcher\", \"-f\", \"{connection_file}\"],
  \"display_name\": \"Python 3 (Debian)\",
  \"language\": \"python\"
}
")

file(GLOB _liq_notebooks CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/notebooks/*.ipynb)
foreach(_liq_nb ${_liq_notebooks})
  get_filename_component(_liq_nb_name ${_liq_nb} NAME_WE)
  add_test(NAME notebook_${_liq_nb_name}
           COMMAND ${LIQ_SYSTEM_PYTHON} -m nbconvert --to notebook --execute
                   --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3
                   --output-dir ${_liq_nb_dir}/executed ${_liq_nb}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/notebooks)
  set_tests_properties(notebook_${_liq_nb_name} PROPERTIES
    ENVIRONMENT "LIQNET_BIN=$<TARGET_FILE:liqnet_cli>;LIQNET_NB_SCALE=1;LIQNET_NB_OUT=${_liq_nb_dir}/out;LIQNET_NB_FIGURES=${_liq_nb_dir}/figures;JUPYTER_PATH=${_liq_nb_dir};JUPYTER_RUNTIME_DIR=${_liq_nb_dir}/runtime;IPYTHONDIR=${_liq_nb_dir}/ipython;MPLBACKEND=Agg;PYDEVD_DISABLE_FILE_VALIDATION=1"
    TIMEOUT 900
    LABELS notebooks)
endforeach()
