# ossup_embed(TARGET <target> HEADER <name.h> NAMESPACE <ns> FILES <path>=<symbol>...)
# Generates, at build time, a private header of <target> holding each file's text as
# `inline constexpr std::string_view <symbol>` in namespace <ns>, so a page's CSS and JS live
# in their own files and are served or written without anything beside the binary. A changed
# file regenerates the header.
set(OSSUP_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/OssupEmbedScript.cmake)

function(ossup_embed)
  cmake_parse_arguments(E "" "TARGET;HEADER;NAMESPACE" "FILES" ${ARGN})
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/embedded)
  set(out ${dir}/${E_HEADER})
  set(inputs)
  foreach(pair IN LISTS E_FILES)
    string(REGEX REPLACE "=.*$" "" path "${pair}")
    list(APPEND inputs ${path})
  endforeach()
  string(REPLACE ";" "|" files "${E_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${E_NAMESPACE} -DFILES=${files}
            -P ${OSSUP_EMBED_SCRIPT}
    DEPENDS ${inputs} ${OSSUP_EMBED_SCRIPT}
    COMMENT "Embedding ${E_HEADER}"
    VERBATIM)
  target_sources(${E_TARGET} PRIVATE ${out})
  target_include_directories(${E_TARGET} PRIVATE ${dir})
endfunction()
