import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Folder checks and symlink-proof writes (issue 7 item 2): planted symlinks are never followed, folders that
/// another user could write are refused with a message naming the folder and the fix.
@Suite("Private directories and atomic files")
struct PrivateDirectoryTests {
    let root: String

    init() throws {
        root = try TemporaryDirectory.make(prefix: "codeswarm-privdir")
    }

    /// A file another user must not see changed, with known content.
    func victim() throws -> String {
        let path = "\(root)/victim"
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    @Test("missing folders are created 0700, and an existing private folder opens")
    func createsPrivateFolders() throws {
        let path = "\(root)/a/b/c"
        let folder = try PrivateDirectory.open(path, checkAncestors: true)
        #expect(folder.path == path)
        for created in ["\(root)/a", "\(root)/a/b", path] { #expect(mode(created) == 0o700, "\(created)") }
        _ = try PrivateDirectory.open(path, checkAncestors: true)
        try AtomicFile.makePrivateDirectory("\(root)/a/b/d")
        #expect(mode("\(root)/a/b/d") == 0o700)
    }

    @Test("a group- or world-writable folder is refused, with its mode and the fix in the message")
    func refusesWritableFolder() throws {
        let path = "\(root)/open"
        mkdir(path, 0o700)
        chmod(path, 0o777)
        let error = #expect(throws: AtomicFile.FileError.self) { try PrivateDirectory.open(path) }
        #expect(error?.description.contains("writable by group or others (mode 777)") == true)
        #expect(error?.description.contains("chmod go-w") == true)
        chmod(path, 0o770)
        #expect(throws: AtomicFile.FileError.self) { try AtomicFile.makePrivateDirectory(path) }
    }

    @Test("a folder owned by another user is refused", .enabled(if: getuid() == 0, "needs root to chown"))
    func refusesForeignFolder() throws {
        let path = "\(root)/foreign"
        mkdir(path, 0o700)
        chown(path, 65534, 65534)
        let error = #expect(throws: AtomicFile.FileError.self) { try PrivateDirectory.open(path) }
        #expect(error?.description.contains("owned by uid 65534") == true)
    }

    @Test("a symlink planted by another user is not followed", .enabled(if: getuid() == 0, "needs root to chown"))
    func refusesForeignSymlink() throws {
        let target = "\(root)/target"
        mkdir(target, 0o700)
        let link = "\(root)/link"
        symlink(target, link)
        lchown(link, 65534, 65534)
        let error = #expect(throws: AtomicFile.FileError.self) { try PrivateDirectory.open("\(link)/state") }
        #expect(error?.description.contains("symlink owned by uid 65534") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(target)/state"))
        // Our own symlink (a home directory moved elsewhere) is fine.
        let own = "\(root)/own-link"
        symlink(target, own)
        _ = try PrivateDirectory.open("\(own)/state")
    }

    @Test("with checkAncestors, a world-writable parent without the sticky bit is refused; a sticky one is not")
    func checksAncestors() throws {
        let parent = "\(root)/shared"
        mkdir(parent, 0o700)
        chmod(parent, 0o777)
        let error = #expect(throws: AtomicFile.FileError.self) {
            try PrivateDirectory.open("\(parent)/state", checkAncestors: true)
        }
        #expect(error?.description.contains("without the sticky bit") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(parent)/state"))
        chmod(parent, 0o1777)
        _ = try PrivateDirectory.open("\(parent)/state", checkAncestors: true)
        // Without the option (worker and relay folders on shared file systems) the parent is not judged.
        chmod(parent, 0o777)
        _ = try PrivateDirectory.open("\(parent)/mailbox")
    }

    @Test("an uncreatable folder names the path and the system error")
    func uncreatable() throws {
        let file = "\(root)/plain-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = #expect(throws: AtomicFile.FileError.self) { try PrivateDirectory.open("\(file)/sub") }
        #expect(error?.description.contains("\(file)") == true)
    }

    @Test("atomic writes never follow planted temp-name or final-name symlinks")
    func writeIgnoresPlantedSymlinks() throws {
        let target = try victim()
        let folder = try PrivateDirectory.open("\(root)/state")
        // The names the old code used (<name>.tmp.<pid>) and a few more guesses, all pointing at the victim.
        for suffix in [String(getpid()), String(getpid() + 1), "0", "1"] {
            symlink(target, "\(root)/state/state.json.tmp.\(suffix)")
        }
        symlink(target, "\(root)/state/router.json")
        try folder.write(Array("{}".utf8), to: "state.json")
        try folder.write(Array("{\"pid\":1}".utf8), to: "router.json")
        try AtomicFile.write(Array("[]".utf8), to: "\(root)/state/state.json")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: "\(root)/state/state.json", encoding: .utf8) == "[]")
        // The final name was a symlink; it is now a regular 0600 file and the victim is intact.
        #expect(mode("\(root)/state/router.json") == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(root)/state").filter {
            $0.contains(".tmp.") && !$0.hasPrefix("state.json.tmp.")
        }
        #expect(leftovers.isEmpty, "temp files left behind: \(leftovers)")
    }

    @Test("appends and reads refuse a symlink in the folder")
    func appendRefusesSymlink() throws {
        let target = try victim()
        let folder = try PrivateDirectory.open("\(root)/state")
        symlink(target, "\(root)/state/journal.jsonl")
        #expect(throws: AtomicFile.FileError.self) { try folder.append(Array("x\n".utf8), to: "journal.jsonl") }
        #expect(throws: AtomicFile.FileError.self) {
            try AtomicFile.append(Array("x\n".utf8), to: "\(root)/state/journal.jsonl")
        }
        #expect(throws: AtomicFile.FileError.self) { try folder.read("journal.jsonl") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        try folder.append(Array("line\n".utf8), to: "other.jsonl")
        try folder.append(Array("more\n".utf8), to: "other.jsonl")
        #expect(try folder.read("other.jsonl") == Array("line\nmore\n".utf8))
        #expect(try folder.read("missing") == nil)
    }

    @Test("writes go to the folder that was checked, even after its path is renamed")
    func writesFollowTheDescriptor() throws {
        let folder = try PrivateDirectory.open("\(root)/state")
        rename("\(root)/state", "\(root)/moved")
        mkdir("\(root)/state", 0o700)
        try folder.write(Array("x".utf8), to: "file")
        #expect(FileManager.default.fileExists(atPath: "\(root)/moved/file"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/state/file"))
    }

    @Test("file names with a slash or dots are refused")
    func plainNames() throws {
        let folder = try PrivateDirectory.open("\(root)/state")
        for name in ["", ".", "..", "../escape", "a/b"] {
            #expect(throws: AtomicFile.FileError.self, "\(name)") { try folder.write([], to: name) }
        }
        let sub = try folder.subdirectory("mailbox/inbox")
        #expect(sub.path == "\(root)/state/mailbox/inbox")
        #expect(mode("\(root)/state/mailbox") == 0o700)
    }
}
