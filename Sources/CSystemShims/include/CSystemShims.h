#ifndef CSYSTEMSHIMS_H
#define CSYSTEMSHIMS_H

#include <spawn.h>
#include <stddef.h>

/* GNU extensions the Swift Glibc module does not export (it is built without _GNU_SOURCE). */

/* pipe2(fds, O_CLOEXEC): a pipe whose ends are close-on-exec from birth, so no concurrent spawn can leak them. */
int cs_pipe_cloexec(int fds[2]);

/* posix_spawn_file_actions_addchdir_np: the child changes directory before exec. */
int cs_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* posix_spawn_file_actions_addclosefrom_np: close every descriptor >= `from` in the child. Descriptors opened by
   libraries without O_CLOEXEC (NIO's listening socket among them) must not leak into long-lived children. */
int cs_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/* prctl(PR_SET_PDEATHSIG, signal): deliver `signal` to this process when its parent dies. */
int cs_set_parent_death_signal(int signal);

/* memmem: the first occurrence of a byte string in a buffer (the socket-owner lookup scans /proc/net/tcp with it). */
const void *cs_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/* statfs(path)->f_type: which filesystem holds `path` (NFS, Lustre, ext4, ...), or -1. */
long cs_filesystem_magic(const char *path);

/* O_PATH (Linux): open a folder only to locate it (no read permission needed); for walking paths with openat. */
int cs_o_path(void);

#endif
