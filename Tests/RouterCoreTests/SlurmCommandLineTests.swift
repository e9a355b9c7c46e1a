import CodeswarmProtocol
import Testing

@testable import RouterCore

/// Argv arrays for sbatch, squeue, scancel, scontrol and sacct, and the job id check they all share.
@Suite struct SlurmCommandLineTests {
    @Test func submit() {
        #expect(SlurmCommandLine.submit() == ["sbatch", "--parsable"])
    }

    @Test func oneQueueCallForAllJobs() throws {
        #expect(
            try SlurmCommandLine.queue(jobs: ["12", "7", "12", "30_2"]) == [
                "squeue", "--noheader", "--states=all", "--jobs=12,7,30_2", "--format=%i|%T|%r|%L|%N",
            ])
    }

    @Test func cancelAndGracefulSignal() throws {
        #expect(try SlurmCommandLine.cancel("42") == ["scancel", "42"])
        #expect(try SlurmCommandLine.signalWorkers("42") == ["scancel", "--signal=TERM", "42"])
        #expect(try SlurmCommandLine.signalWorkers("42", signal: "USR1") == ["scancel", "--signal=USR1", "42"])
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.signalWorkers("42", signal: "TERM --full") }
    }

    @Test func finalStateQueries() throws {
        #expect(try SlurmCommandLine.showJob("42") == ["scontrol", "--oneliner", "show", "job", "42"])
        #expect(
            try SlurmCommandLine.accounting(jobs: ["1", "2"], completionLog: true) == [
                "sacct", "--completion", "--parsable2", "--noheader", "--format=JobID,State,ExitCode", "--jobs=1,2",
            ])
        #expect(
            try SlurmCommandLine.accounting(jobs: ["1"], completionLog: false) == [
                "sacct", "--allocations", "--parsable2", "--noheader", "--format=JobID,State,ExitCode", "--jobs=1",
            ])
    }

    @Test(arguments: ["1", "123456", "12_3", "0"])
    func validJobIDs(id: String) {
        #expect(JobID(id).isSlurmJobID)
    }

    @Test(arguments: [
        "", "-1", "1;reboot", "1 2", "12_", "_3", "1_2_3", "12_[1-3]", "local_ab12", "$(id)", "1\n2", "１２", "1.batch",
        String(repeating: "9", count: 40),
    ])
    func invalidJobIDsAreRejectedEverywhere(id: String) {
        let job = JobID(id)
        #expect(!job.isSlurmJobID)
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.cancel(job) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.signalWorkers(job) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.showJob(job) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.queue(jobs: ["1", job]) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.accounting(jobs: [job], completionLog: true) }
    }

    @Test func emptyJobListIsRejected() {
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.queue(jobs: []) }
    }

    @Test func environmentPrefix() throws {
        #expect(try SlurmCommandLine.withEnvironment([:], ["squeue"]) == ["squeue"])
        #expect(
            try SlurmCommandLine.withEnvironment(["SLURM_CONF": "/t/slurm.conf", "A_1": "x y"], ["squeue", "-h"]) == [
                "env", "A_1=x y", "SLURM_CONF=/t/slurm.conf", "squeue", "-h",
            ])
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.withEnvironment(["A B": "x"], ["squeue"]) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.withEnvironment(["1A": "x"], ["squeue"]) }
        #expect(throws: SlurmInputError.self) { try SlurmCommandLine.withEnvironment(["A": "x\ny"], ["squeue"]) }
    }
}

/// The ssh wrapper: connection options in a fixed order, the remote argv quoted word by word.
@Suite struct SlurmSSHCommandLineTests {
    let options = SSHOptions(
        host: "codeswarm-login", configFile: "/t/ssh/ssh_config", port: 2222, identityFile: "/t/ssh/id_ed25519",
        controlDirectory: "/t/ssh/cm", controlPersistSeconds: 120, connectTimeoutSeconds: 5,
        serverAliveIntervalSeconds: 15)

    @Test func wrapIsExact() throws {
        #expect(
            try SSHCommandLine.wrap(["squeue", "--format=%i|%T"], options: options) == [
                "ssh", "-F", "/t/ssh/ssh_config", "-p", "2222", "-i", "/t/ssh/id_ed25519",
                "-o", "ControlMaster=auto", "-o", "ControlPath=/t/ssh/cm/%C", "-o", "ControlPersist=120",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "ServerAliveInterval=15", "-o",
                "ServerAliveCountMax=3",
                "-T", "codeswarm-login", "--", "squeue", "'--format=%i|%T'",
            ])
    }

    @Test func minimalOptions() throws {
        let bare = SSHOptions(
            host: "user@login.example.org", controlDirectory: "/c", controlPersistSeconds: 60,
            connectTimeoutSeconds: nil,
            serverAliveIntervalSeconds: nil)
        #expect(
            try SSHCommandLine.wrap(["true"], options: bare) == [
                "ssh", "-o", "ControlMaster=auto", "-o", "ControlPath=/c/%C", "-o", "ControlPersist=60", "-o",
                "BatchMode=yes",
                "-T", "user@login.example.org", "--", "true",
            ])
        #expect(try SSHCommandLine.checkMaster(options: bare).suffix(3) == ["-O", "check", "user@login.example.org"])
        #expect(try SSHCommandLine.exitMaster(options: bare).suffix(3) == ["-O", "exit", "user@login.example.org"])
    }

    static let quoting: [(String, String)] = [
        ("squeue", "squeue"),
        ("/shared/cs/bin/codeswarm", "/shared/cs/bin/codeswarm"),
        ("--jobs=1,2", "--jobs=1,2"),
        ("=ls", "'=ls'"),
        ("_x1=y", "'_x1=y'"),
        ("a.b=c", "a.b=c"),
        ("", "''"),
        ("a b", "'a b'"),
        ("it's", "'it'\\''s'"),
        ("'", "''\\'''"),
        ("$(reboot)", "'$(reboot)'"),
        ("`id`", "'`id`'"),
        ("a;b&c|d", "'a;b&c|d'"),
        ("~", "'~'"),
        ("*.json", "'*.json'"),
        ("#x", "'#x'"),
        ("A=b", "'A=b'"),
        ("{a,b}", "'{a,b}'"),
        ("é", "'é'"),
        ("\\", "'\\'"),
    ]

    @Test(arguments: quoting)
    func quote(word: String, expected: String) {
        #expect(SSHCommandLine.quote(word) == expected)
    }

    /// Undoes POSIX single-quote quoting the way a shell does, for words that `quote` produced.
    static func unquote(_ word: String) -> String {
        var result = ""
        var inQuotes = false
        var escaped = false
        for character in word {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "'" {
                inQuotes.toggle()
            } else if character == "\\" && !inQuotes {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    @Test(arguments: ["plain", "it's a 'test'", "''''", "$(echo hi) `x` \"q\" é ✓", "-v", "a\tb"])
    func quotingRoundTrips(word: String) {
        #expect(Self.unquote(SSHCommandLine.quote(word)) == word)
    }

    @Test func remoteArgumentsWithNewlinesAreRejected() {
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["echo", "a\nb"], options: options) }
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["echo", "a\rb"], options: options) }
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap([], options: options) }
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap([""], options: options) }
    }

    @Test(arguments: ["-oProxyCommand=x", "", "a b", "host;id", "h\nx", "$(id)"])
    func hostileHostsAreRejected(host: String) {
        var bad = options
        bad.host = host
        let error = #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
        #expect(error?.field == "ssh host")
    }

    @Test func badOptionsAreRejected() {
        var bad = options
        bad.port = 0
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
        bad = options
        bad.user = "-x"
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
        bad = options
        bad.configFile = "-oProxyCommand=x"
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
        bad = options
        bad.controlDirectory = "relative/cm"
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
        bad = options
        bad.controlDirectory = "/t/%h"
        #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: bad) }
    }

    @Test func controlSocketPathMustFit() throws {
        var fits = options
        fits.controlDirectory = "/" + String(repeating: "d", count: SSHCommandLine.maximumControlDirectoryLength - 1)
        let argv = try SSHCommandLine.wrap(["true"], options: fits)
        let controlPath = try #require(argv.first { $0.hasPrefix("ControlPath=") }).dropFirst("ControlPath=".count)
        // %C expands to 40 hex digits; the socket path must stay under 104 bytes.
        #expect(controlPath.utf8.count - 2 + 40 < 104)
        var tooLong = options
        tooLong.controlDirectory = "/" + String(repeating: "d", count: SSHCommandLine.maximumControlDirectoryLength)
        let error = #expect(throws: SlurmInputError.self) { try SSHCommandLine.wrap(["true"], options: tooLong) }
        #expect(error?.reason.contains("104") == true)
    }
}
