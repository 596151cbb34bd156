/**
 * The regulator's statistics (PROTOCOL.md §17.4): a UTC day's figures per platform computed from
 * the facts the journal stored beside the events ({@code model.StatisticsFacts}), refusal counts
 * and the directory's usage; kept once the day is closed, and reported signed with the broker's
 * key.
 */
package io.peyvand.broker.service.statistics;
