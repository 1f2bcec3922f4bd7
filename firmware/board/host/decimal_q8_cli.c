/*
 * Host driver of the board's decimal parser, for tests (tests/board/decimal_q8_test.ts): each
 * stdin line "dec q_min q_max token" prints one line, the quantized sample or "invalid".
 * The token is fed character by character exactly as the board's UART loop feeds it.
 */
#include <stdio.h>
#include <string.h>

#include "decimal_q8.h"

int main(void) {
  static char line[1 << 16];
  while (fgets(line, sizeof line, stdin) != NULL) {
    long dec, q_min, q_max;
    int used = 0;
    if (sscanf(line, "%ld %ld %ld %n", &dec, &q_min, &q_max, &used) != 3) {
      fprintf(stderr, "bad line: %s", line);
      return 2;
    }
    const dq8_format format = {(int32_t)dec, (int32_t)q_min, (int32_t)q_max};
    const char *token = line + used;
    size_t length = strcspn(token, "\r\n");
    dq8_parser parser;
    dq8_reset(&parser);
    for (size_t i = 0; i < length; i++) dq8_push(&parser, token[i]);
    int8_t q;
    if (dq8_finish(&parser, &format, &q) == 0) {
      printf("%d\n", q);
    } else {
      printf("invalid\n");
    }
  }
  return 0;
}
