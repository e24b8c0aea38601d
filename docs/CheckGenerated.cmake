# Compares each generated doc (GENERATED, a |-separated list) with its copy
# in COMMITTED; fails naming the stale ones.
string(REPLACE "|" ";" generated "${GENERATED}")
set(stale "")
foreach(file ${generated})
  get_filename_component(name ${file} NAME)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${file}
                          ${COMMITTED}/${name}
                  RESULT_VARIABLE different OUTPUT_QUIET ERROR_QUIET)
  if(different)
    list(APPEND stale "docs/generated/${name}")
  endif()
endforeach()
if(stale)
  string(REPLACE ";" ", " stale "${stale}")
  message(FATAL_ERROR "${stale}: not what the ODS generates; run "
                      "ninja -C build se-docs and commit the result")
endif()
