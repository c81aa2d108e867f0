# Every dependency comes from a Debian package; tools/bootstrap installs them.
# What the libraries need (their public link interface; cmake/ossupConfig.cmake.in finds the
# same for find_package(ossup) consumers):
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(tinyxml2 REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian's cpp-httplib is a compiled library with no CMake package. Its pkg-config file
# carries the -D flags the .so was built with; they must match or class layouts differ.
# PkgConfig::HTTPLIB carries them (INTERFACE_COMPILE_OPTIONS) to everything linking ossup.
if(NOT TARGET PkgConfig::HTTPLIB)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
# Only for what is built on top of them.
if(OSSUP_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(rapidcheck REQUIRED)
endif()
if(OSSUP_BUILD_TOOLS)
  find_package(CLI11 REQUIRED)
endif()
