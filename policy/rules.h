/*
 * NAME
 *	rules - per-recipient mode rules and explicit sender/client exceptions
 * DESCRIPTION
 *	The [rules] section of mugai.conf chooses the mode of a message
 *	from its envelope. Each rule is one mode and one or more patterns:
 *
 *	  recipient = MODE PATTERN...	mode for matching recipients
 *	  sender    = MODE PATTERN...	exception by envelope sender
 *	  client    = MODE PATTERN...	exception by client IP address
 *
 *	Address patterns: "user@example.jp" (one address), "@example.jp"
 *	(that domain), "@.example.jp" (every subdomain of it) and
 *	"list:PATH" (a file of such patterns, one per line, # comments).
 *	Client patterns: an IPv4 or IPv6 address, a CIDR block, or
 *	"list:PATH" of those. Matching is case-insensitive and ignores
 *	<>. List files are read when the config is loaded (and reloaded).
 *
 *	Decision (rules_decide): each recipient takes the mode of the first
 *	recipient rule that matches it, else the [general] mode; the
 *	message takes the strictest mode among its recipients. Then, if a
 *	client rule matches (first match wins), else a sender rule, that
 *	rule's mode replaces the result: an exception, which the caller
 *	must log (the decision names the rule). A sender can be forged;
 *	client rules are checked first for that reason.
 *
 *	Modes are ranked by rules_stricter(); a new mode only needs a rank.
 *	A rule set is immutable once loaded and belongs to its policy.
 */
#ifndef MUGAI_RULES_H
#define MUGAI_RULES_H

#include <stddef.h>

#include "policy/policy.h"

typedef enum {
    RULES_RECIPIENT = 0,
    RULES_SENDER,
    RULES_CLIENT
} rules_kind;

typedef struct rules rules;

/* The outcome of rules_decide(). */
typedef struct rules_decision {
    policy_mode	mode;		/* what the message gets */
    int		exception;	/* 1: a sender or client rule decided */
    rules_kind	exception_kind;	/* RULES_SENDER or RULES_CLIENT */
    unsigned	exception_rule;	/* its number among rules of its kind, from 1 */
    unsigned	matched;	/* recipients matched by some recipient rule */
} rules_decision;

/* rules_kind_name - "recipient", "sender", "client" */
const char *rules_kind_name(rules_kind kind);

/* rules_mode_name - "text", "cdr" */
const char *rules_mode_name(policy_mode mode);

/* rules_stricter - the stricter of two modes (text is stricter than cdr) */
policy_mode rules_stricter(policy_mode a, policy_mode b);

/*
 * rules_parse - parse "MODE PATTERN..." (patterns separated by blanks
 *	or commas) and append the rule to *rs, creating the set if needed.
 *	Modes not available in this version are refused. Returns 0, or -1
 *	with a reason (no file:line of the config; a list file's own
 *	"PATH:LINE" is included) in why.
 */
int rules_parse(rules **rs, rules_kind kind, const char *value,
		char *why, size_t whylen);

/*
 * rules_add - append a rule with mode and one pattern list given as
 *	text ("p1 p2 ..."), without the availability check of
 *	rules_parse (the tests use it to exercise every mode).
 */
int rules_add(rules **rs, rules_kind kind, policy_mode mode,
	      const char *patterns, char *why, size_t whylen);

/* rules_count - number of rules of one kind */
size_t rules_count(const rules *rs, rules_kind kind);

/*
 * rules_format - the n-th rule (from 0) of kind as config text
 *	"MODE PATTERN..." into buf. Returns snprintf's length, or -1 if
 *	there is no such rule.
 */
int rules_format(const rules *rs, rules_kind kind, size_t n,
		 char *buf, size_t len);

/*
 * rules_decide - the mode of a message: rs may be NULL (no rules);
 *	sender and client may be NULL or empty. Never fails.
 */
void rules_decide(const rules *rs, policy_mode dflt, const char *sender,
		  const char *client, const char *const *rcpts, size_t nrcpts,
		  rules_decision *d);

/* rules_free - release a rule set (NULL is fine) */
void rules_free(rules *rs);

#endif
