#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

/* The wide-character API (cchar_t, wget_wch, mvwaddwstr) is only declared with these. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

/* Swift cannot import function-like macros or, in Swift 6 mode, C globals: wrap them. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline attr_t cn_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline int cn_wattr_set(WINDOW *w, attr_t a) { return wattrset(w, (int)a); }
/* newterm on the process's own stdin/stdout (the FILE* globals are not importable in Swift 6 mode);
   returns NULL, without printing or exiting, when $TERM has no terminfo entry. */
static inline SCREEN *cn_newterm_std(void) { return newterm(NULL, stdout, stdin); }
/* The tty's real size (TIOCGWINSZ), to notice a resize even when SIGWINCH went to another thread. */
#include <sys/ioctl.h>
static inline int cn_tty_size(int fd, int *rows, int *cols) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return -1;
    *rows = size.ws_row;
    *cols = size.ws_col;
    return 0;
}
/* glibc hides wcwidth unless _XOPEN_SOURCE was set when the Glibc module was built. */
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(wchar_t c) { return wcwidth(c); }

#endif
