/// One provider as `providers_list` describes it: the latest original protocol's provider preset shape, so the
/// original web backend lists our providers in its launch form.
package struct ProviderDescription: Sendable, Hashable, Codable {
    /// What `swarm_launch.provider` names (`local`, `slurm`).
    package var id: String
    package var label: String
    /// The kind of provider behind the id; one preset per backend here, so the same as `id`.
    package var backend: String
    /// The original's `<backend>[:<profile>]`; no profiles here, so the backend.
    package var providerRef: String
    /// Always null: this router has no cluster profiles.
    package var clusterProfile: String?
    /// Values a launch gets when it names none, keyed like `provider_params` (`partition`, `time_limit`, …).
    package var defaults: [String: JSONValue]
    /// The launch form's fields for this provider (the web frontend draws them).
    package var launchFields: [LaunchField]
    /// Always empty: no extra form panels.
    package var launchPanels: [JSONValue]
    /// The original's soft timeout (a "still launching" hint); null: this router has one timeout.
    package var launchSoftTimeoutSeconds: Int?
    /// A launch whose workers have not all started after this long fails (`router.launch_timeout_seconds`).
    package var launchHardTimeoutSeconds: Int?
    package var disabled: Bool
    package var disabledReason: String?

    package init(
        id: String, label: String, defaults: [String: JSONValue] = [:], launchFields: [LaunchField] = [],
        launchHardTimeoutSeconds: Int? = nil, disabled: Bool = false, disabledReason: String? = nil
    ) {
        self.id = id
        self.label = label
        self.backend = id
        self.providerRef = id
        self.clusterProfile = nil
        self.defaults = defaults
        self.launchFields = launchFields
        self.launchPanels = []
        self.launchSoftTimeoutSeconds = nil
        self.launchHardTimeoutSeconds = launchHardTimeoutSeconds
        self.disabled = disabled
        self.disabledReason = disabledReason
    }

    enum CodingKeys: String, CodingKey {
        case id, label, backend, defaults, disabled
        case providerRef = "provider_ref"
        case clusterProfile = "cluster_profile"
        case launchFields = "launch_fields"
        case launchPanels = "launch_panels"
        case launchSoftTimeoutSeconds = "launch_soft_timeout_seconds"
        case launchHardTimeoutSeconds = "launch_hard_timeout_seconds"
        case disabledReason = "disabled_reason"
    }

    /// Writes every key, absent values as null, as the original router does (its clients test for null).
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(backend, forKey: .backend)
        try container.encode(providerRef, forKey: .providerRef)
        try container.encode(clusterProfile, forKey: .clusterProfile)
        try container.encode(defaults, forKey: .defaults)
        try container.encode(launchFields, forKey: .launchFields)
        try container.encode(launchPanels, forKey: .launchPanels)
        try container.encode(launchSoftTimeoutSeconds, forKey: .launchSoftTimeoutSeconds)
        try container.encode(launchHardTimeoutSeconds, forKey: .launchHardTimeoutSeconds)
        try container.encode(disabled, forKey: .disabled)
        try container.encode(disabledReason, forKey: .disabledReason)
    }
}

/// One field of a provider's launch form (`providers_list.providers[].launch_fields[]`).
package struct LaunchField: Sendable, Hashable, Codable {
    /// The `provider_params` key the value is sent under.
    package var key: String
    package var label: String
    /// `text`, `number`, `boolean` or `select` in the original; this router offers `text` fields only.
    package var type: String
    package var defaultValue: JSONValue
    package var required: Bool
    package var placeholder: String?

    package init(
        key: String, label: String, type: String = "text", defaultValue: JSONValue = "", required: Bool = false,
        placeholder: String? = nil
    ) {
        self.key = key
        self.label = label
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.placeholder = placeholder
    }

    enum CodingKeys: String, CodingKey {
        case key, label, type, required, placeholder
        case defaultValue = "default"
    }
}
