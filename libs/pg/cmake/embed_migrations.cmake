# agora_embed_migrations(<target> <dir> <function>)
# Embeds <dir>/NNN_name.sql into <target> at build time: generates a .cpp that defines
# `std::span<const agora::pg::Migration> <function>()` (e.g. agora::order::migrations), ordered by
# version. Declare the function in the service's own header. Adding a file reconfigures the build.
function(agora_embed_migrations target dir function)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
    string(MAKE_C_IDENTIFIER "${function}" file_stem)
    set(output "${CMAKE_CURRENT_BINARY_DIR}/${file_stem}_migrations.cpp")
    set(script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/generate_migrations.cmake")
    add_custom_command(
        OUTPUT "${output}"
        COMMAND "${CMAKE_COMMAND}" "-DDIR=${dir}" "-DOUTPUT=${output}" "-DFUNCTION=${function}" -P "${script}"
        DEPENDS ${sql_files} "${script}"
        COMMENT "Embedding migrations of ${dir}"
        VERBATIM)
    target_sources(${target} PRIVATE "${output}")
    target_link_libraries(${target} PRIVATE agora::pg)
endfunction()
