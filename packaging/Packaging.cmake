# The Debian package: what `cmake --build build --target package` puts into
# longitudinal-mim-studio_<version>_<arch>.deb, and how CPack builds it. Included from the top-level
# CMakeLists.txt after app/ (the man pages run the two programs). docs/packaging.md describes the
# result and lintian's verdict on it.
include_guard(GLOBAL)

set(LONGMIM_PACKAGE_NAME longitudinal-mim-studio)
# One reverse-DNS id names the desktop entry, the icon and the AppStream component.
set(LONGMIM_APP_ID org.longmim.Studio)
set(LONGMIM_PACKAGE_MAINTAINER
    "Longitudinal MIM Studio maintainers <maintainers@users.noreply.r-seed-b3b6f311.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(packaging_dir ${CMAKE_CURRENT_LIST_DIR})
set(share_dir ${CMAKE_INSTALL_DATADIR}/${LONGMIM_PACKAGE_NAME})
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/${LONGMIM_PACKAGE_NAME})

# ---- Data files ------------------------------------------------------------------------------
# The presets are compiled into both programs (core/config); the JSON files are installed so that
# users can copy one as a starting point for --config.
install(DIRECTORY ${LONGMIM_RESOURCES_DIR}/ DESTINATION ${share_dir})
install(FILES ${packaging_dir}/desktop/${LONGMIM_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${packaging_dir}/desktop/${LONGMIM_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${packaging_dir}/desktop/${LONGMIM_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${packaging_dir}/completion/longmim
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Debian policy wants /usr/share/doc/<package>/copyright and, for a package without a Debian
# revision (a "native" one to lintian), changelog.gz. The changelog's version is the project's.
set(changelog ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog)
configure_file(${packaging_dir}/debian/changelog.in ${changelog} @ONLY)
find_program(LONGMIM_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${changelog}.gz
  # -n: no name or time stamp inside, so the file depends on its text only.
  COMMAND ${LONGMIM_GZIP} -9nf -k ${changelog}
  DEPENDS ${changelog}
  COMMENT "Compressing the package changelog"
  VERBATIM)
add_custom_target(longmim_package_changelog ALL DEPENDS ${changelog}.gz)
install(FILES ${packaging_dir}/debian/copyright ${changelog}.gz DESTINATION ${doc_dir})

# ---- Man pages, generated from the programs' --help by help2man ---------------------------------
find_program(LONGMIM_HELP2MAN help2man)
if(LONGMIM_HELP2MAN)
  set(man_out ${CMAKE_CURRENT_BINARY_DIR}/packaging/man)
  # The CLI's page lists every subcommand's options as well.
  set(cli_subcommands "config show" "config keys" "data check" synth "model summary" train predict
                      evaluate plot)
  set(man_scripts ${packaging_dir}/man/make-man-page.sh ${packaging_dir}/man/help-for-help2man.awk
                  ${packaging_dir}/man/command-help-to-roff.awk)
  add_custom_command(
    OUTPUT ${man_out}/longmim.1.gz
    COMMAND sh ${packaging_dir}/man/make-man-page.sh $<TARGET_FILE:longmim>
            "train and inspect models of change between two chest X-rays"
            ${packaging_dir}/man/longmim.h2m ${man_out}/longmim.1.gz ${cli_subcommands}
    DEPENDS longmim ${man_scripts} ${packaging_dir}/man/longmim.h2m
    COMMENT "Generating the man page of longmim with help2man"
    VERBATIM)
  add_custom_command(
    OUTPUT ${man_out}/longmim-studio.1.gz
    COMMAND sh ${packaging_dir}/man/make-man-page.sh $<TARGET_FILE:longmim-studio>
            "desktop studio for models of change between two chest X-rays"
            ${packaging_dir}/man/longmim-studio.h2m ${man_out}/longmim-studio.1.gz
    DEPENDS longmim-studio ${man_scripts} ${packaging_dir}/man/longmim-studio.h2m
    COMMENT "Generating the man page of longmim-studio with help2man"
    VERBATIM)
  add_custom_target(longmim_man_pages ALL
                    DEPENDS ${man_out}/longmim.1.gz ${man_out}/longmim-studio.1.gz)
  install(FILES ${man_out}/longmim.1.gz ${man_out}/longmim-studio.1.gz
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  # Not fatal, so that a build without the packaging tools still works; the package then lacks
  # its man pages, which packaging/test-package.sh reports as a failure.
  message(STATUS "help2man not found (packaging/install-deps.sh installs it): no man pages")
endif()

# ---- CPack: the .deb ---------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${LONGMIM_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Longitudinal MIM Studio")
set(CPACK_PACKAGE_CONTACT ${LONGMIM_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# ... and, as dh_strip does, without the .comment and .note sections.
set(CPACK_LONGMIM_STRIP ${CMAKE_STRIP})
set(CPACK_PRE_BUILD_SCRIPTS ${packaging_dir}/RemoveUnneededSections.cmake)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "train and inspect models of change between two chest X-rays")
# CPack indents these lines for the control file and turns the empty line into " .".
set(CPACK_PACKAGE_DESCRIPTION
    "Longitudinal MIM Studio trains deep-learning models that predict a signed
pixel-wise difference map between a baseline and a follow-up chest X-ray:
positive where a finding appeared or grew, negative where it resolved.

The package holds two programs on one engine (LibTorch, ITK): longmim-studio,
a Qt desktop studio with a hyperparameter form, live loss curves and a
four-panel comparison viewer, and longmim, a command line that generates
synthetic pairs, trains, predicts and evaluates against the all-zeros and
subtraction baselines. The studio makes a small synthetic demo dataset on
first use.")
set(CPACK_DEBIAN_PACKAGE_NAME ${LONGMIM_PACKAGE_NAME})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${LONGMIM_PACKAGE_MAINTAINER})
# Library dependencies come from dpkg-shlibdeps on the installed binaries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# LibTorch runs on any BLAS; with the reference libblas3 training takes twice as long
# (shared/docs/platform-notes.md, pitfall 1).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# control and md5sums 0644 as dpkg-deb expects (lintian: control-file-has-bad-permissions).
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_THREADS 2)
include(CPack)
