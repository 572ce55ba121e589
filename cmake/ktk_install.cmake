# Installation: headers, static libraries, the ktk binary, and the package files
# (ktkConfig.cmake, ktkConfigVersion.cmake, ktkTargets.cmake, ktkEnvtest.cmake) that
# let another project say find_package(ktk).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_ktk_export_targets ktk_build_options ktk_core ktk_apiserver ktk_client ktk_fakeclient ktk_envtest ktk_sim
                        ${KTK_SIM_PARTS})
foreach(_t IN LISTS _ktk_export_targets)
  string(REGEX REPLACE "^ktk_" "" _export_name ${_t})
  set_target_properties(${_t} PROPERTIES EXPORT_NAME ${_export_name})
endforeach()
set_target_properties(ktk PROPERTIES EXPORT_NAME ktk)

install(TARGETS ${_ktk_export_targets} ktk EXPORT ktkTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(_c core apiserver client fakeclient envtest sim)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_c}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

set(_ktk_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/ktk)
install(EXPORT ktkTargets NAMESPACE ktk:: DESTINATION ${_ktk_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ktkConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/ktkConfig.cmake INSTALL_DESTINATION ${_ktk_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ktkConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ktkConfig.cmake ${PROJECT_BINARY_DIR}/ktkConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/ktkEnvtest.cmake
        DESTINATION ${_ktk_cmake_dir})
