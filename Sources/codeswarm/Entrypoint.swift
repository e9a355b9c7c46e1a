import CLI

@main
enum Entrypoint {
    static func main() async { await CodeswarmCommand.main() }
}
