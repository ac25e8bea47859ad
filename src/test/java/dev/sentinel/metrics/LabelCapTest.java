package dev.sentinel.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class LabelCapTest {

  @Test void theFirstValuesUpToTheCapKeepTheirNameAndLaterOnesShareOther() {
    LabelCap cap = new LabelCap(2, List.of());
    assertThat(cap.value("acme")).isEqualTo("acme");
    assertThat(cap.value("globex")).isEqualTo("globex");
    assertThat(cap.value("initech")).isEqualTo(LabelCap.OTHER);
    assertThat(cap.value("acme")).as("admitted values stay admitted").isEqualTo("acme");
    assertThat(cap.value("hooli")).isEqualTo(LabelCap.OTHER);
  }

  @Test void listedValuesKeepTheirNameBeyondTheCapAndDoNotUseItUp() {
    LabelCap cap = new LabelCap(1, List.of("vip"));
    assertThat(cap.value("vip")).isEqualTo("vip");
    assertThat(cap.value("acme")).as("the cap's one place is still free").isEqualTo("acme");
    assertThat(cap.value("globex")).isEqualTo(LabelCap.OTHER);
    assertThat(cap.value("vip")).isEqualTo("vip");
  }

  @Test void aZeroCapLabelsOnlyTheListedAndEmptyValuesAreNone() {
    LabelCap cap = new LabelCap(0, List.of("acme"));
    assertThat(cap.value("acme")).isEqualTo("acme");
    assertThat(cap.value("globex")).isEqualTo(LabelCap.OTHER);
    assertThat(cap.value("")).isEqualTo(LabelCap.NONE);
    assertThat(cap.value(null)).isEqualTo(LabelCap.NONE);
  }

  /** Workers on several event loops label at once: the cap must hold exactly, not roughly. */
  @Test void theCapHoldsUnderConcurrentFirstSightings() throws Exception {
    LabelCap cap = new LabelCap(10, List.of());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Set<String>>> seen = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        seen.add(pool.submit(() -> {
          Set<String> named = new TreeSet<>();
          for (int i = 0; i < 1000; i++) named.add(cap.value("tenant-" + i));
          return named;
        }));
      }
      Set<String> all = new TreeSet<>();
      for (Future<Set<String>> f : seen) all.addAll(f.get());
      assertThat(all).contains(LabelCap.OTHER).hasSize(11);
    } finally {
      pool.shutdownNow();
    }
  }
}
