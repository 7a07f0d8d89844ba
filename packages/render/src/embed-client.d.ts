/** Shows the status notice on the page that loaded /embed/script.js. */
export declare function upstateEmbed(): void;
