import CodeswarmProtocol

/// How the dashboard starts: colours, the swarm to focus, and the launch form's defaults.
package struct DashboardOptions: Sendable {
    /// Attributes only, no colours (also chosen when the terminal has none).
    package var isMonochrome: Bool
    /// The swarm to select and focus once it is listed.
    package var initialSwarmID: SwarmID?
    /// What the launch form starts with.
    package var launchDefaults: LaunchRequest

    package init(
        isMonochrome: Bool = false, initialSwarmID: SwarmID? = nil,
        launchDefaults: LaunchRequest = LaunchRequest(nodes: 4)
    ) {
        self.isMonochrome = isMonochrome
        self.initialSwarmID = initialSwarmID
        self.launchDefaults = launchDefaults
    }

    /// Options from the environment: `NO_COLOR` set to anything non-empty means monochrome (no-color.org).
    package static func fromEnvironment(
        _ environment: [String: String], initialSwarmID: SwarmID? = nil,
        launchDefaults: LaunchRequest = LaunchRequest(nodes: 4)
    ) -> DashboardOptions {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return DashboardOptions(isMonochrome: noColor, initialSwarmID: initialSwarmID, launchDefaults: launchDefaults)
    }
}
