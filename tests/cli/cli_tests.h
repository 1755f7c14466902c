/* The CLI test cases; each returns the number of failed checks. */
#ifndef NAZO_TEST_CLI_TESTS_H
#define NAZO_TEST_CLI_TESTS_H

int test_bad_input(void);
int test_good_run(void);
int test_default_out(void);
int test_device_choice(void);
int test_failed_run(void);
int test_no_gnuplot(void);
int test_killed_run(void);
int test_interrupted_run(void);
int test_listings(void);

#endif
