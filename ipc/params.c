/* placeholder */ typedef int pmc_placeholder_t;
