import ClientKit
import CodeswarmProtocol

/// Whether copies also go to the terminal's clipboard with OSC 52 (`CODESWARM_CLIPBOARD`).
package enum ClipboardSetting: String, Sendable, Hashable {
    /// When the terminal's terminfo entry says it takes OSC 52 (the `Ms` capability), as tmux's and xterm's do.
    case auto
    /// Always: for terminals that take OSC 52 without saying so.
    case osc52
    /// Never: copies only go to files.
    case off
}

/// How the dashboard starts: colours, the swarm to focus, the launch form's defaults, and where copies go.
package struct DashboardOptions: Sendable {
    /// Attributes only, no colours (also chosen when the terminal has none).
    package var isMonochrome: Bool
    /// The swarm to select and focus once it is listed.
    package var initialSwarmID: SwarmID?
    /// What the launch form starts with.
    package var launchDefaults: LaunchRequest
    /// Whether copies also go to the clipboard.
    package var clipboard: ClipboardSetting
    /// Where `y` and `Y` write their files: `exports` in the state directory.
    package var exportDirectory: String
    /// Whether a prompt for more than one node asks first (y/n).
    package var confirmsMultiNodeSends: Bool
    /// Whether a new approval request rings the terminal's bell (off unless asked for).
    package var ringsBellOnApproval: Bool

    package init(
        isMonochrome: Bool = false, initialSwarmID: SwarmID? = nil,
        launchDefaults: LaunchRequest = LaunchRequest(nodes: 4), clipboard: ClipboardSetting = .auto,
        exportDirectory: String = RouterEnvironment.stateDirectory() + "/exports", confirmsMultiNodeSends: Bool = true,
        ringsBellOnApproval: Bool = false
    ) {
        self.confirmsMultiNodeSends = confirmsMultiNodeSends
        self.ringsBellOnApproval = ringsBellOnApproval
        self.isMonochrome = isMonochrome
        self.initialSwarmID = initialSwarmID
        self.launchDefaults = launchDefaults
        self.clipboard = clipboard
        self.exportDirectory = exportDirectory
    }

    /// Options from the environment.
    ///
    /// `NO_COLOR` set to anything non-empty means monochrome (no-color.org); `CODESWARM_CLIPBOARD` is
    /// `auto`, `osc52` or `off`; `CODESWARM_CONFIRM_MULTI_SEND=0` (or `no`, `off`, `false`) sends prompts for
    /// several nodes without asking first; `CODESWARM_APPROVAL_BELL=1` (or `yes`, `on`, `true`) rings the bell when an
    /// agent asks for an approval (off by default: on a shared login node a bell per request is noise; the header
    /// shows the count either way); exports go to `$CODESWARM_STATE_DIR/exports` (default
    /// `$XDG_STATE_HOME/codeswarm/exports`), the same state directory every client uses.
    package static func fromEnvironment(
        _ environment: [String: String], initialSwarmID: SwarmID? = nil,
        launchDefaults: LaunchRequest = LaunchRequest(nodes: 4)
    ) -> DashboardOptions {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let clipboard = environment["CODESWARM_CLIPBOARD"].flatMap { ClipboardSetting(rawValue: $0.lowercased()) }
        let confirm = environment["CODESWARM_CONFIRM_MULTI_SEND"].map { value in
            !["0", "no", "off", "false"].contains(value.lowercased())
        }
        let bell = environment["CODESWARM_APPROVAL_BELL"].map { ["1", "yes", "on", "true"].contains($0.lowercased()) }
        return DashboardOptions(
            isMonochrome: noColor, initialSwarmID: initialSwarmID, launchDefaults: launchDefaults,
            clipboard: clipboard ?? .auto,
            exportDirectory: RouterEnvironment.stateDirectory(environment: environment) + "/exports",
            confirmsMultiNodeSends: confirm ?? true, ringsBellOnApproval: bell ?? false)
    }
}
