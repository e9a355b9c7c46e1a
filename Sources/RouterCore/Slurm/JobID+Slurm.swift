import CodeswarmProtocol

extension JobID {
    /// True for ids Slurm prints for a job or an array task (`123`, `123_4`), the only ones put in an argv.
    ///
    /// Checked before every use, so a corrupted state file cannot turn a job id into an option or a shell word.
    package var isSlurmJobID: Bool {
        let parts = rawValue.utf8.split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), rawValue.utf8.count <= 32 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    /// The id itself when it is a Slurm job id, else an error saying so.
    func validatedSlurmJobID() throws(SlurmInputError) -> String {
        guard isSlurmJobID else {
            throw SlurmInputError(
                field: "job id",
                reason: "job id '\(rawValue.prefix(40))' is not a Slurm job id (digits, optionally _<index>)")
        }
        return rawValue
    }
}
