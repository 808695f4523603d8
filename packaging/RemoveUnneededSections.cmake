# A CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS in Packaging.cmake): runs on the staged files,
# after CPACK_STRIP_FILES stripped the programs and before the .deb is made. Plain `strip` keeps
# the .comment section (compiler version strings) and .note; lintian reports them
# (binary-has-unneeded-section), and Debian's dh_strip removes both, as this does. The GNU
# build-id (.note.gnu.build-id) is another section and stays.
set(bin_dir ${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/bin)
foreach(program IN ITEMS longmim longmim-studio)
  if(NOT EXISTS ${bin_dir}/${program})
    message(FATAL_ERROR "RemoveUnneededSections: ${bin_dir}/${program} was not staged")
  endif()
  execute_process(
    COMMAND ${CPACK_LONGMIM_STRIP} --remove-section=.comment --remove-section=.note
            ${bin_dir}/${program}
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "RemoveUnneededSections: ${CPACK_LONGMIM_STRIP} failed on ${program}")
  endif()
endforeach()
