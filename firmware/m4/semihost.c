/*
 * Semihosting calls: an operation number in r0, a pointer to its argument block in r1, then
 * BKPT 0xAB (the M-profile trap); the result comes back in r0.
 */
#include "semihost.h"

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int32_t semihost_call(uint32_t operation, const void *arguments) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = arguments;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

int32_t semihost_open(const char *path, uint32_t mode) {
  uint32_t length = 0;
  while (path[length] != '\0') length++;
  const uint32_t arguments[3] = {(uint32_t)(uintptr_t)path, mode, length};
  return semihost_call(SYS_OPEN, arguments);
}

int32_t semihost_read(int32_t handle, void *buffer, uint32_t length) {
  const uint32_t arguments[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, length};
  return semihost_call(SYS_READ, arguments);
}

int32_t semihost_write(int32_t handle, const void *buffer, uint32_t length) {
  const uint32_t arguments[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, length};
  return semihost_call(SYS_WRITE, arguments);
}

void semihost_close(int32_t handle) {
  const uint32_t arguments[1] = {(uint32_t)handle};
  semihost_call(SYS_CLOSE, arguments);
}

void semihost_exit(int32_t code) {
  const uint32_t arguments[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  semihost_call(SYS_EXIT_EXTENDED, arguments);
  for (;;) {
  }
}
