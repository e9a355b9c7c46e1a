import CodeswarmProtocol
import Testing

/// Configuration files parse into typed settings; unknown keys and wrong types are reported with their path.
@Suite("ConfigurationParser")
struct ConfigurationParserTests {
    /// The seed's `configs/example.json` (commit 3f07088), verbatim.
    static let seedExample = """
        {
          "ssh": {
            "login_alias": "your-login-alias",
            "controlpersist_minutes": 10
          },
          "slurm": {
            "default_partition": null,
            "default_time": "00:20:00",
            "default_account": null,
            "default_qos": null
          },
          "cluster": {
            "workspace_root": "/path/to/shared/workspace",
            "cluster_subdir": "codeswarm"
          },
          "router": {
            "ssh_max_workers": 6,
            "heartbeat_timeout_seconds": 60
          }
        }
        """

    @Test("an empty object is the embedded default: local provider, port 8765")
    func emptyIsDefault() throws {
        let config = try ConfigurationParser.parse(json: "{}")
        #expect(config == Configuration())
        #expect(config.provider == "local")
        #expect(config.router.port == 8765)
    }

    @Test("the seed's example.json parses as a Slurm config with its values")
    func seedExampleParses() throws {
        let config = try ConfigurationParser.parse(json: Self.seedExample)
        #expect(config.provider == "slurm")
        #expect(config.ssh.loginAlias == "your-login-alias")
        #expect(config.ssh.isRemote)
        #expect(config.ssh.controlPersistSeconds == 600)
        #expect(config.slurm.defaultPartition == nil)
        #expect(config.slurm.defaultTime == "00:20:00")
        #expect(config.slurm.defaultAccount == nil)
        #expect(config.slurm.defaultQos == nil)
        #expect(config.cluster.workspaceRoot == "/path/to/shared/workspace")
        #expect(config.cluster.base == "/path/to/shared/workspace/codeswarm")
    }

    @Test("the seed's router.inject_timeout_seconds (from its user guide) is accepted")
    func seedInjectTimeout() throws {
        let config = try ConfigurationParser.parse(json: #"{"router":{"inject_timeout_seconds":60}}"#)
        #expect(config.router == Configuration.Router())
    }

    @Test("mailbox defaults: 50 ms while busy, 300 ms when idle, inotify on, passed to the relay as options")
    func mailboxDefaults() {
        let mailbox = Configuration.Mailbox()
        #expect(mailbox.pollActiveMilliseconds == 50)
        #expect(mailbox.pollIdleMilliseconds == 300)
        #expect(mailbox.inotify)
        #expect(mailbox.relayArguments == ["--poll-active-ms", "50", "--poll-idle-ms", "300"])
    }

    @Test("every documented key is read into its setting")
    func everyKey() throws {
        let json = """
            {"provider":"local",
             "ssh":{"login_alias":"hpc","config_file":"/etc/ssh/cs.conf","port":2222,"identity_file":"/k","user":"u",
                    "control_persist_seconds":30,"connect_timeout_seconds":5},
             "cluster":{"workspace_root":"/scratch","cluster_subdir":"cs","worker_binary":"/opt/codeswarm-static"},
             "slurm":{"default_partition":"gpu","default_time":"2-00:00:00","default_account":"proj","default_qos":"high",
                      "poll_interval_seconds":7.5,"minimum_poll_interval_seconds":3,"environment":{"SLURM_CONF":"/etc/slurm.conf"},
                      "extra_sbatch":["--gres=gpu:1","--exclusive"],
                      "setup":["module load cuda/12","  source \\"$HOME/env.sh\\" # it's mine","export OMP_NUM_THREADS=4"],
                      "time_left_warning_minutes":25,"auto_resume":3},
             "router":{"host":"0.0.0.0","port":9000,"graceful_terminate_seconds":5,"client_queue_limit_bytes":65536,
                       "transcript_events_per_node":10,"launch_timeout_seconds":30,"ended_retention_seconds":60},
             "agent":{"command":["codex","app-server","--listen","stdio://"],"sandbox":"read-only","approval_policy":"on-request",
                      "approval_decision":"accept","model":"gpt-5","stall_timeout_seconds":12,"restart_limit":2,"environment":{"A":"b"}},
             "local":{"base_dir":"/tmp/cs"},
             "mailbox":{"poll_active_milliseconds":20,"poll_idle_milliseconds":1000,"inotify":false}}
            """
        let config = try ConfigurationParser.parse(json: json)
        var expected = Configuration()
        expected.provider = "local"
        expected.ssh.loginAlias = "hpc"
        expected.ssh.configFile = "/etc/ssh/cs.conf"
        expected.ssh.port = 2222
        expected.ssh.identityFile = "/k"
        expected.ssh.user = "u"
        expected.ssh.controlPersistSeconds = 30
        expected.ssh.connectTimeoutSeconds = 5
        expected.cluster.workspaceRoot = "/scratch"
        expected.cluster.clusterSubdir = "cs"
        expected.cluster.workerBinary = "/opt/codeswarm-static"
        expected.slurm.defaultPartition = "gpu"
        expected.slurm.defaultTime = "2-00:00:00"
        expected.slurm.defaultAccount = "proj"
        expected.slurm.defaultQos = "high"
        expected.slurm.pollIntervalSeconds = 7.5
        expected.slurm.minimumPollIntervalSeconds = 3
        expected.slurm.environment = ["SLURM_CONF": "/etc/slurm.conf"]
        expected.slurm.extraSbatch = ["--gres=gpu:1", "--exclusive"]
        expected.slurm.setup = [
            "module load cuda/12", "  source \"$HOME/env.sh\" # it's mine", "export OMP_NUM_THREADS=4",
        ]
        expected.slurm.timeLeftWarningMinutes = 25
        expected.slurm.autoResume = 3
        expected.router.host = "0.0.0.0"
        expected.router.port = 9000
        expected.router.gracefulTerminateSeconds = 5
        expected.router.clientQueueLimitBytes = 65536
        expected.router.transcriptEventsPerNode = 10
        expected.router.launchTimeoutSeconds = 30
        expected.router.endedRetentionSeconds = 60
        expected.agent.command = ["codex", "app-server", "--listen", "stdio://"]
        expected.agent.sandbox = "read-only"
        expected.agent.approvalPolicy = "on-request"
        expected.agent.approvalDecision = "accept"
        expected.agent.model = "gpt-5"
        expected.agent.stallTimeoutSeconds = 12
        expected.agent.restartLimit = 2
        expected.agent.environment = ["A": "b"]
        expected.local.baseDirectory = "/tmp/cs"
        expected.mailbox.pollActiveMilliseconds = 20
        expected.mailbox.pollIdleMilliseconds = 1000
        expected.mailbox.inotify = false
        #expect(config == expected)
        #expect(config.mailbox.relayArguments == ["--poll-active-ms", "20", "--poll-idle-ms", "1000", "--no-inotify"])
    }

    /// A config that must be refused, with the path and message fragment the problem must carry.
    struct Bad: Sendable, CustomTestStringConvertible {
        var json: String
        var path: String
        var message: String
        var testDescription: String { "\(path): \(json)" }
    }

    static let badConfigs: [Bad] = [
        Bad(json: #"{"slurm":{"defualt_time":"01:00:00"}}"#, path: "slurm.defualt_time", message: "unknown key"),
        Bad(json: #"{"routr":{}}"#, path: "routr", message: "unknown key"),
        Bad(json: #"{"agent":{"comand":["x"]}}"#, path: "agent.comand", message: "unknown key"),
        Bad(
            json: #"{"router":{"port":"8765"}}"#, path: "router.port",
            message: "must be an integer from 1 to 65535, got a string"),
        Bad(json: #"{"router":{"port":70000}}"#, path: "router.port", message: "from 1 to 65535, got 70000"),
        Bad(
            json: #"{"router":{"graceful_terminate_seconds":-1}}"#, path: "router.graceful_terminate_seconds",
            message: "must be a number of seconds from 0 to 86400, got -1"),
        Bad(json: #"{"router":{"ssh_max_workers":"six"}}"#, path: "router.ssh_max_workers", message: "must be"),
        Bad(json: #"{"ssh":"hpc"}"#, path: "ssh", message: "must be an object, got a string"),
        Bad(json: #"{"ssh":{"login_alias":5}}"#, path: "ssh.login_alias", message: "must be a string, got a number"),
        Bad(json: #"{"slurm":{"default_time":"1 hour"}}"#, path: "slurm.default_time", message: "a space"),
        Bad(json: #"{"slurm":{"default_partition":"gpu;reboot"}}"#, path: "slurm.default_partition", message: "';'"),
        Bad(
            json: #"{"slurm":{"environment":{"SLURM_CONF":5}}}"#, path: "slurm.environment.SLURM_CONF",
            message: "must be a string"),
        Bad(
            json: #"{"agent":{"command":["codex",5]}}"#, path: "agent.command[1]",
            message: "must be a string, got a number"),
        Bad(json: #"{"agent":{"command":"codex app-server"}}"#, path: "agent.command", message: "array of strings"),
        Bad(json: #"{"agent":{"command":[]}}"#, path: "agent.command", message: "must not be empty"),
        Bad(json: #"{"agent":{"sandbox":"yolo"}}"#, path: "agent.sandbox", message: "\"yolo\" is not one of"),
        Bad(
            json: #"{"agent":{"approval_policy":"on-failure"}}"#, path: "agent.approval_policy",
            message: "no longer accepted by codex; use \"on-request\""),
        Bad(json: #"{"provider":"aws"}"#, path: "provider", message: "is not one of local, slurm"),
        Bad(json: #"{"mailbox":{"inotify":"yes"}}"#, path: "mailbox.inotify", message: "must be true or false"),
        Bad(
            json: #"{"mailbox":{"poll_active_milliseconds":0}}"#, path: "mailbox.poll_active_milliseconds",
            message: "from 1 to 60000, got 0"),
        Bad(
            json: #"{"mailbox":{"poll_active_milliseconds":500,"poll_idle_milliseconds":100}}"#,
            path: "mailbox.poll_idle_milliseconds", message: "at least poll_active_milliseconds"),
        Bad(json: "[]", path: "", message: "must be an object, got an array"),
        Bad(json: #"{"router": {"port": 1}"#, path: "", message: "not valid JSON"),
        Bad(json: #"{"router": {"port": 1} "extra"}"#, path: "", message: "not valid JSON"),
        // Issue 7 items 7 and 8: values that passed the old checks and crashed or confused the router.
        Bad(json: #"{"router":{"port":8765,}}"#, path: "", message: "line 1, column 24: trailing comma before }"),
        Bad(json: #"{"agent":{"command":["codex",]}}"#, path: "", message: "trailing comma before ]"),
        Bad(json: #"{"router":{"port":1},"router":{}}"#, path: "", message: "duplicate key router"),
        Bad(
            json: #"{"router":{"launch_timeout_seconds":1e16}}"#, path: "router.launch_timeout_seconds",
            message: "from 1 to 2592000, got 1e+16"),
        Bad(
            json: #"{"router":{"graceful_terminate_seconds":1e300}}"#, path: "router.graceful_terminate_seconds",
            message: "from 0 to 86400, got 1e+300"),
        Bad(
            json: #"{"agent":{"stall_timeout_seconds":0}}"#, path: "agent.stall_timeout_seconds",
            message: "from 1 to 604800, got 0"),
        Bad(json: #"{"agent":{"restart_limit":-1}}"#, path: "agent.restart_limit", message: "from 0 to 1000, got -1"),
        Bad(
            json: #"{"router":{"transcript_events_per_node":-5}}"#, path: "router.transcript_events_per_node",
            message: "from 1 to 1000000, got -5"),
        Bad(
            json: #"{"router":{"client_queue_limit_bytes":-1}}"#, path: "router.client_queue_limit_bytes",
            message: "from 65536 to 17179869184, got -1"),
        Bad(
            json: #"{"router":{"ended_retention_seconds":1e300}}"#, path: "router.ended_retention_seconds",
            message: "got 1e+300"),
        Bad(json: #"{"router":{"port":0}}"#, path: "router.port", message: "from 1 to 65535, got 0"),
        Bad(json: #"{"router":{"require_token":"yes"}}"#, path: "router.require_token", message: "true or false"),
        Bad(
            json: #"{"ssh":{"controlpersist_minutes":1e15}}"#, path: "ssh.controlpersist_minutes", message: "got 1e+15"),
        Bad(json: #"{"ssh":{"port":-22}}"#, path: "ssh.port", message: "from 1 to 65535, got -22"),
        Bad(
            json: #"{"ssh":{"connect_timeout_seconds":0}}"#, path: "ssh.connect_timeout_seconds",
            message: "from 1 to 3600, got 0"),
        Bad(
            json: #"{"slurm":{"poll_interval_seconds":0}}"#, path: "slurm.poll_interval_seconds",
            message: "from 0.1 to 86400, got 0"),
        Bad(
            json: #"{"router":{"worker_heartbeat_seconds":1e300}}"#, path: "router.worker_heartbeat_seconds",
            message: "got 1e+300"),
        Bad(json: #"{"router":{"ssh_max_workers":0}}"#, path: "router.ssh_max_workers", message: "from 1 to 1024"),
        Bad(json: #"{"slurm":{"auto_resume":101}}"#, path: "slurm.auto_resume", message: "from 0 to 100, got 101"),
        Bad(json: #"{"slurm":{"auto_resume":-1}}"#, path: "slurm.auto_resume", message: "from 0 to 100, got -1"),
        Bad(
            json: #"{"agent":{"approval_timeout_seconds":0}}"#, path: "agent.approval_timeout_seconds",
            message: "from 1 to 2592000, got 0"),
        Bad(
            json: #"{"agent":{"approval_timeout_seconds":1e300}}"#, path: "agent.approval_timeout_seconds",
            message: "got 1e+300"),
        Bad(
            json: #"{"local":{"base_dir":"relative/dir"}}"#, path: "local.base_dir", message: "must be an absolute path"
        ),
        Bad(
            json: #"{"cluster":{"workspace_root":"scratch/me"}}"#, path: "cluster.workspace_root",
            message: "must be an absolute path"),
        Bad(json: #"{"slurm":{"setup":"module load x"}}"#, path: "slurm.setup", message: "array of strings"),
        Bad(json: #"{"slurm":{"setup":["ok","a\u0000b"]}}"#, path: "slurm.setup[1]", message: "a NUL byte"),
        Bad(json: #"{"slurm":{"setup":["a\rb"]}}"#, path: "slurm.setup[0]", message: "a carriage return"),
        Bad(json: #"{"slurm":{"setup":["a\nb"]}}"#, path: "slurm.setup[0]", message: "its own entry"),
        Bad(
            json: #"{"slurm":{"setup":["  #SBATCH --output=/tmp/x"]}}"#, path: "slurm.setup[0]",
            message: "put sbatch options in slurm.extra_sbatch"),
        Bad(json: #"{"slurm":{"setup":["x\ud800"]}}"#, path: "", message: "not valid JSON"),
        Bad(
            json: #"{"slurm":{"time_left_warning_minutes":-1}}"#, path: "slurm.time_left_warning_minutes",
            message: "from 0 to 10080, got -1"),
        Bad(
            json: #"{"slurm":{"time_left_warning_minutes":"10"}}"#, path: "slurm.time_left_warning_minutes",
            message: "must be an integer"),
    ]

    @Test("unknown keys and wrong types are reported with their key path", arguments: badConfigs)
    func problemsCarryTheirPath(_ bad: Bad) {
        do throws(ConfigurationParser.Problem) {
            let config = try ConfigurationParser.parse(json: bad.json)
            Issue.record("accepted \(bad.json) as \(config)")
        } catch {
            #expect(error.path == bad.path)
            #expect(error.message.contains(bad.message), "message \(error.message.debugDescription)")
            #expect(error.description.hasPrefix(bad.path.isEmpty ? error.message : "\(bad.path): "))
        }
    }

    @Test("an unknown key's problem lists the keys allowed there")
    func unknownKeyListsAllowed() {
        do throws(ConfigurationParser.Problem) {
            _ = try ConfigurationParser.parse(json: #"{"slurm":{"defualt_time":"01:00:00"}}"#)
            Issue.record("accepted a misspelt key")
        } catch {
            #expect(error.description.hasPrefix("slurm.defualt_time: unknown key"))
            #expect(error.message.contains("default_time"))
        }
    }

    @Test("without an explicit provider a config naming a cluster is a Slurm config, otherwise local")
    func providerInference() throws {
        #expect(try ConfigurationParser.parse(json: #"{"cluster":{"workspace_root":"/s"}}"#).provider == "slurm")
        #expect(try ConfigurationParser.parse(json: #"{"agent":{"model":"m"}}"#).provider == "local")
        #expect(
            try ConfigurationParser.parse(json: #"{"provider":"local","ssh":{"login_alias":"local"}}"#).provider
                == "local")
        #expect(try ConfigurationParser.parse(json: #"{"ssh":{"login_alias":"local"}}"#).ssh.isRemote == false)
    }
}
