/*
 * The semihosting interface of firmware/m4/semihost.h implemented with stdio, so that a program
 * written against it (equivalence.c) runs unchanged on the host and on the Cortex-M4 under QEMU.
 */
#include <stdio.h>
#include <stdlib.h>

#include "semihost.h"

enum { MAX_FILES = 8 };
static FILE *files[MAX_FILES];

int32_t semihost_open(const char *path, uint32_t mode) {
  static const char *const modes[] = {"r", "rb", "r+", "r+b", "w", "wb"};
  if (mode > 5) return -1;
  for (int32_t h = 0; h < MAX_FILES; h++) {
    if (files[h] == NULL) {
      files[h] = fopen(path, modes[mode]);
      return files[h] ? h : -1;
    }
  }
  return -1;
}

int32_t semihost_read(int32_t handle, void *buffer, uint32_t length) {
  return (int32_t)(length - fread(buffer, 1, length, files[handle]));
}

int32_t semihost_write(int32_t handle, const void *buffer, uint32_t length) {
  return (int32_t)(length - fwrite(buffer, 1, length, files[handle]));
}

void semihost_close(int32_t handle) {
  fclose(files[handle]);
  files[handle] = NULL;
}

void semihost_exit(int32_t code) { exit(code); }
