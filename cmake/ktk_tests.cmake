# ktk_add_test_dir(LIBS ...) — every *_test.cpp in the calling folder becomes its own
# GoogleTest executable labelled `unit`, every *_itest.cpp one labelled `integration`,
# every *_ctest.cpp one labelled `client` (tests that drive kubectl or the Python client).
function(ktk_add_test_dir)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  set(_targets)
  foreach(_kind unit integration client)
    if(_kind STREQUAL "unit")
      set(_suffix "_test")
    elseif(_kind STREQUAL "integration")
      set(_suffix "_itest")
    else()
      set(_suffix "_ctest")
    endif()
    file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*${_suffix}.cpp)
    foreach(_src IN LISTS _srcs)
      get_filename_component(_name ${_src} NAME_WE)
      get_filename_component(_dir ${CMAKE_CURRENT_SOURCE_DIR} NAME)
      set(_target ktk_${_dir}_${_name})
      add_executable(${_target} ${_src})
      list(APPEND _targets ${_target})
      target_link_libraries(${_target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main ktk_build_options
                                                ktk_test_options)
      target_precompile_headers(${_target} REUSE_FROM ktk_test_pch)
      gtest_discover_tests(${_target} PROPERTIES LABELS "${_kind}" DISCOVERY_TIMEOUT 60
                           TEST_PREFIX "${_dir}.")
    endforeach()
  endforeach()
  # The targets just made, for per-folder settings (compile definitions, data dirs).
  set(KTK_LAST_TEST_TARGETS ${_targets} PARENT_SCOPE)
endfunction()
