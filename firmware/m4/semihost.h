/*
 * ARM semihosting, the few calls the firmware needs: the host (QEMU with
 * -semihosting-config enable=on,target=native) performs them on its own files.
 * Calls block; a handle is the host's file descriptor as returned by semihost_open.
 */
#ifndef IEGM_SEMIHOST_H
#define IEGM_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/** Opens host file `path` (NUL-terminated); mode as fopen: 0 "r", 1 "rb", 4 "w", 5 "wb".
 *  Returns a handle ≥ 0, or −1. */
int32_t semihost_open(const char *path, uint32_t mode);

/** Reads up to `length` bytes; returns how many bytes were NOT read (0 = all). */
int32_t semihost_read(int32_t handle, void *buffer, uint32_t length);

/** Writes `length` bytes; returns how many bytes were NOT written (0 = all). */
int32_t semihost_write(int32_t handle, const void *buffer, uint32_t length);

/** Closes a handle. */
void semihost_close(int32_t handle);

/** Ends the program; `code` becomes QEMU's exit status. */
__attribute__((noreturn)) void semihost_exit(int32_t code);

#endif
