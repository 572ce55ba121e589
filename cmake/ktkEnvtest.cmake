# ktk_add_envtest_fixture(NAME [MODE embedded|etcd|binaries|existing] [CRDS path...]
#                         [ETCD url] [KUBECONFIG file])
#
# Adds two tests around one control plane shared by the tests that require it:
#   NAME.start  `ktk envtest start ...`   FIXTURES_SETUP NAME
#   NAME.stop   `ktk envtest stop ...`    FIXTURES_CLEANUP NAME
# and sets, in the caller's scope,
#   NAME_KUBECONFIG        the kubeconfig file the control plane writes
#   NAME_TEST_PROPERTIES   FIXTURES_REQUIRED NAME;ENVIRONMENT KUBECONFIG=...
# for a test that uses it:
#   gtest_discover_tests(my_tests PROPERTIES ${NAME_TEST_PROPERTIES})
#   set_tests_properties(my_test PROPERTIES ${NAME_TEST_PROPERTIES})
function(ktk_add_envtest_fixture name)
  cmake_parse_arguments(ARG "" "MODE;ETCD;KUBECONFIG" "CRDS" ${ARGN})
  if(NOT ARG_MODE)
    set(ARG_MODE embedded)
  endif()
  if(TARGET ktk::ktk)
    set(_ktk $<TARGET_FILE:ktk::ktk>)
  else()
    message(FATAL_ERROR "ktk_add_envtest_fixture: the ktk::ktk executable is not known (find_package(ktk) or add_subdirectory(ktk) first)")
  endif()
  set(_state ${CMAKE_CURRENT_BINARY_DIR}/envtest/${name})
  set(_kubeconfig ${CMAKE_CURRENT_BINARY_DIR}/envtest/${name}.kubeconfig)
  set(_args envtest start --mode ${ARG_MODE} --kubeconfig-out ${_kubeconfig} --state-dir ${_state})
  foreach(_crd IN LISTS ARG_CRDS)
    get_filename_component(_abs ${_crd} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND _args --crds ${_abs})
  endforeach()
  if(ARG_ETCD)
    list(APPEND _args --etcd ${ARG_ETCD})
  endif()
  if(ARG_KUBECONFIG)
    list(APPEND _args --kubeconfig ${ARG_KUBECONFIG})
  endif()
  add_test(NAME ${name}.start COMMAND ${_ktk} ${_args})
  add_test(NAME ${name}.stop COMMAND ${_ktk} envtest stop --state-dir ${_state})
  set_tests_properties(${name}.start PROPERTIES FIXTURES_SETUP ${name} TIMEOUT 120)
  set_tests_properties(${name}.stop PROPERTIES FIXTURES_CLEANUP ${name} TIMEOUT 60)
  set(${name}_KUBECONFIG ${_kubeconfig} PARENT_SCOPE)
  set(${name}_TEST_PROPERTIES FIXTURES_REQUIRED ${name} ENVIRONMENT KUBECONFIG=${_kubeconfig} PARENT_SCOPE)
endfunction()
