# Install rules and the `ossup` CMake package (find_package(ossup)); included by the top-level
# CMakeLists.txt when OSSUP_INSTALL is on. Installs every module's static library and public
# headers and, when built, the ossup and fake-oss executables (tools/*/CMakeLists.txt). Tests,
# benches and examples are not installed.
#
#   <prefix>/include/ossup/<module>/...              public headers
#   <prefix>/lib/libossup_<module>.a                  static libraries
#   <prefix>/lib/cmake/ossup/ossupConfig.cmake        targets ossup::protocol, ossup::client,
#                                                     ossup::faults, ossup::fake, ossup::scenarios
include(CMakePackageConfigHelpers)

set(OSSUP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ossup)

get_property(ossup_modules GLOBAL PROPERTY OSSUP_MODULES)
get_property(ossup_include_dirs GLOBAL PROPERTY OSSUP_MODULE_INCLUDE_DIRS)

install(TARGETS ${ossup_modules}
  EXPORT ossupTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(dir ${ossup_include_dirs})
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

install(EXPORT ossupTargets
  NAMESPACE ossup::
  FILE ossupTargets.cmake
  DESTINATION ${OSSUP_INSTALL_CMAKEDIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ossupConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ossupConfig.cmake
  INSTALL_DESTINATION ${OSSUP_INSTALL_CMAKEDIR})
# 0.x: a minor release may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ossupConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ossupConfig.cmake ${PROJECT_BINARY_DIR}/ossupConfigVersion.cmake
  DESTINATION ${OSSUP_INSTALL_CMAKEDIR})
