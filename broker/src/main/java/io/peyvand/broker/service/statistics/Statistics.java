package io.peyvand.broker.service.statistics;

import io.peyvand.broker.audit.AuditLog;
import io.peyvand.broker.audit.HeadSigner;
import io.peyvand.broker.model.StatisticsFacts;
import io.peyvand.broker.service.NodeContext;
import io.peyvand.persistence.directory.DirectoryStore;
import io.peyvand.persistence.journal.EventFacts;
import io.peyvand.persistence.statistics.StatisticsStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regulator's statistics: a UTC day's figures ({@link DayStatistics}) computed from the event
 * facts of that day (and the next), the refusal counts and the directory's usage. A day is closed
 * {@code peyvand.statistics.close-after} after it ends; a closed day is computed once, kept in
 * {@code stats_days}, and its digest appended to the audit log, so a later report shows the same
 * figures and a regulator can prove they were not changed since. The current day (and one not yet
 * closed) is computed afresh each time and marked {@code "complete": false}.
 *
 * <p>Off the hot path: nothing here runs while messages flow; the only cost on the path is the
 * journal's fact row beside each counted event.
 */
public final class Statistics {
  private static final Logger log = LoggerFactory.getLogger(Statistics.class);

  /** Days of facts kept (the journal's fact-ttl): no day before is computed from facts. */
  static final int FACT_DAYS = 40;

  /** Most days one report covers. */
  public static final int MAX_DAYS = 366;

  /**
   * Where a day's figures come from: the journal's event facts, the refusal counts and closed days
   * ({@code store}), the directory's usage, and the platforms reported even on a day without facts.
   */
  public record Sources(
      EventFacts facts,
      StatisticsStore store,
      DirectoryStore directory,
      Supplier<Collection<String>> knownPlatforms) {}

  private final NodeContext node;
  private final Sources sources;
  private final HeadSigner signer;
  private final Duration closeAfter;

  /** Reports signed by {@code signer}; a day is closed {@code closeAfter} after it ends. */
  public Statistics(NodeContext node, Sources sources, HeadSigner signer, Duration closeAfter) {
    this.node = node;
    this.sources = sources;
    this.signer = signer;
    this.closeAfter = closeAfter;
  }

  /** The signed report of the days from {@code from} to {@code to}, inclusive (JSON text). */
  public CompletionStage<String> report(LocalDate from, LocalDate to) {
    List<Map<String, Object>> days = new ArrayList<>();
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      LocalDate d = day;
      all = all.thenCompose(done -> day(d)).thenAccept(days::add);
    }
    return all.thenApply(
        done -> {
          Map<String, Object> report = new TreeMap<>();
          report.put("from", from.toString());
          report.put("to", to.toString());
          report.put("generated_at_ms", node.clock().millis());
          report.put("days", days);
          return SignedReports.sign(report, signer);
        });
  }

  /** One day's figures: kept if closed and computed before, else computed now. */
  public CompletionStage<Map<String, Object>> day(LocalDate day) {
    return sources
        .store()
        .day(day)
        .thenCompose(
            kept ->
                kept.isPresent()
                    ? CompletableFuture.completedFuture(SignedReports.parse(kept.get()))
                    : compute(day));
  }

  private CompletionStage<Map<String, Object>> compute(LocalDate day) {
    LocalDate previous = day.minusDays(1);
    CompletionStage<Map<String, Long>> before =
        previous.isBefore(today().minusDays(FACT_DAYS))
            ? CompletableFuture.completedFuture(Map.of())
            : day(previous).thenApply(Statistics::optedInTotals);
    boolean closed = closed(day);
    return before.thenCompose(
        totals ->
            sources
                .facts()
                .read(day)
                .thenCombine(
                    sources.facts().read(day.plusDays(1)), (today, next) -> List.of(today, next))
                .thenCombine(
                    sources.store().refusals(day),
                    (read, refusals) -> {
                      DayStatistics stats = new DayStatistics(day);
                      stats.optedInBefore(totals);
                      read.get(0)
                          .forEach(f -> StatisticsFacts.parse(f.fact()).ifPresent(stats::add));
                      read.get(1)
                          .forEach(f -> StatisticsFacts.parse(f.fact()).ifPresent(stats::addLater));
                      refusals.forEach(r -> stats.refused(r.platformId(), r.code(), r.refused()));
                      return stats;
                    })
                .thenCompose(this::withDirectoryUsage)
                .thenCompose(
                    stats -> {
                      Map<String, Object> figures = stats.toMap(closed);
                      return closed
                          ? keep(day, figures)
                          : CompletableFuture.completedFuture(figures);
                    }));
  }

  private CompletionStage<DayStatistics> withDirectoryUsage(DayStatistics stats) {
    Set<String> platforms = new TreeSet<>(sources.knownPlatforms().get());
    platforms.addAll(stats.optedInTotals().keySet());
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    platforms.removeIf(String::isBlank);
    for (String platform : platforms) {
      all =
          all.thenCompose(
              done ->
                  sources
                      .directory()
                      .usage(platform, stats.day(), stats.day())
                      .thenAccept(
                          usage ->
                              usage.forEach(u -> stats.directoryLookups(platform, u.lookups()))));
    }
    return all.thenCompose(done -> sources.directory().discoverableUsers())
        .thenApply(
            users -> {
              stats.discoverableUsers(users);
              return stats;
            });
  }

  /** Keeps a closed day, and appends its digest to the audit log. */
  private CompletionStage<Map<String, Object>> keep(LocalDate day, Map<String, Object> figures) {
    String json = SignedReports.canonical(figures);
    return sources
        .store()
        .putDay(day, node.clock().instant(), json)
        .thenCompose(
            done ->
                AuditLog.append(
                        node.system(),
                        node.askTimeout(),
                        "broker",
                        "statistics-day",
                        day.toString(),
                        "sha256 " + sha256(json) + " " + summary(figures))
                    .handle(
                        (index, error) -> {
                          if (error != null) {
                            log.error(
                                "The statistics of {} are kept but not in the audit log: {}",
                                day,
                                error.toString());
                          }
                          return figures;
                        }));
  }

  /** Messages, deliveries and posts of the day across platforms, for the audit entry. */
  @SuppressWarnings("unchecked")
  private static String summary(Map<String, Object> figures) {
    long sent = 0;
    long delivered = 0;
    long posts = 0;
    for (Object p : ((Map<String, Object>) figures.get("platforms")).values()) {
      Map<String, Object> f = (Map<String, Object>) p;
      sent += ((Number) f.get("messages_sent")).longValue();
      delivered += ((Number) f.get("delivered")).longValue();
      posts +=
          ((Number) f.get("group_posts")).longValue()
              + ((Number) f.get("channel_posts")).longValue();
    }
    return "messages=" + sent + " delivered=" + delivered + " posts=" + posts;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Long> optedInTotals(Map<String, Object> figures) {
    Map<String, Long> totals = new TreeMap<>();
    Object platforms = figures.get("platforms");
    if (platforms instanceof Map<?, ?> map) {
      ((Map<String, Object>) map)
          .forEach(
              (platform, f) ->
                  totals.put(
                      platform,
                      ((Number) ((Map<String, Object>) f).get("opted_in_total")).longValue()));
    }
    return totals;
  }

  /** Whether a day is over, and late writes of it have landed. */
  boolean closed(LocalDate day) {
    return node.clock()
        .instant()
        .isAfter(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(closeAfter));
  }

  LocalDate today() {
    return LocalDate.ofInstant(node.clock().instant(), ZoneOffset.UTC);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
