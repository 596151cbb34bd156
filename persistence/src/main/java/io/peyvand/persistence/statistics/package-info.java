/**
 * The regulator's statistics' tables (V007): computed days and refusal counts. The facts they are
 * computed from are the journal's ({@link io.peyvand.persistence.journal.EventFacts}).
 */
package io.peyvand.persistence.statistics;
