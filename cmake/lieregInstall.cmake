# Install rules, CMake package (find_package(liereg) -> liereg::liereg) and liereg.pc.
include(CMakePackageConfigHelpers)
target_compile_definitions(liereg PUBLIC LIEREG_HAVE_DNNL=${LIEREG_HAVE_DNNL})
install(TARGETS liereg EXPORT lieregTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS liereg_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET liereg_fortran)
  install(TARGETS liereg_fortran EXPORT lieregTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/fortran/liereg.mod DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/liereg)
endif()
install(DIRECTORY include/liereg DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT lieregTargets NAMESPACE liereg:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/liereg)
configure_package_config_file(cmake/lieregConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/lieregConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/liereg)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/lieregConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lieregConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/lieregConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/liereg)
# liereg.pc finds its prefix relative to itself (${pcfiledir}): the tree can be moved.
file(RELATIVE_PATH LIEREG_PC_RELPREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" LIEREG_PC_RELPREFIX "${LIEREG_PC_RELPREFIX}")
configure_file(cmake/liereg.pc.in ${CMAKE_CURRENT_BINARY_DIR}/liereg.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/liereg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
