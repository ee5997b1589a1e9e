/* oldlib: GNU GPL version 2 (see COPYING) */
int oldlib(void) { return 0; }
