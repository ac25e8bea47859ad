package dev.sentinel.it;

import dev.sentinel.testing.HeadlessChromium;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;


/** The dashboard's pages as a test reads them: by the ids and data attributes the UI sets. */
final class Dashboard {

  final HeadlessChromium browser;
  private final String base;

  Dashboard(HeadlessChromium browser, int port) {
    this.browser = browser;
    this.base = "http://127.0.0.1:" + port;
  }

  /** Opens a page (#/tasks, #/tasks/{id}, ...) and waits until its module has rendered. */
  void open(String hash) {
    browser.open(base + "/ui" + hash);
    browser.find(By.cssSelector("main[data-page]"));
  }

  /** Puts the key where the UI keeps it (this tab's sessionStorage) without going through the dialog. */
  void useKey(String key) {
    browser.open(base + "/health");
    browser.script("sessionStorage.setItem('sentinel.apiKey', arguments[0])", key);
  }

  /** Answers the UI's key dialog, which it opens after a 401. */
  void enterKeyInDialog(String key) {
    WebElement input = browser.await("the API key dialog", d -> {
      WebElement i = d.findElement(By.id("key-input"));
      return i.isDisplayed() ? i : null;
    });
    input.sendKeys(key);
    browser.driver.findElement(By.id("key-submit")).click();
  }

  /** Replaces the text of a form field. */
  void fill(By field, String text) {
    WebElement input = browser.find(field);
    input.clear();
    input.sendKeys(text);
  }

  By row(String taskId) {
    return By.cssSelector("#tasks tr[data-task-id='" + taskId + "']");
  }

  /** The status shown in a task's row of the tasks table, or null while it has none. */
  String rowStatus(String taskId) {
    return statusAt("#tasks tr[data-task-id='" + taskId + "'] .badge");
  }

  /** The status in the task page's header. */
  String taskStatus() {
    return statusAt("#task-summary h1 .badge");
  }

  // read in one script: a live page replaces its rows and header, so an element found by one
  // driver call may be gone by the next
  private String statusAt(String selector) {
    return (String) browser.script("return document.querySelector(arguments[0])?.dataset.status ?? null", selector);
  }

  void awaitTaskStatus(String status) {
    browser.await("the task page showing " + status, d -> status.equals(taskStatus()));
  }
}
