fn main() {
    std::process::exit(ecs_triage::cli::main());
}
