"""Pakistani given names and family names, with family names that are common in each province."""

MALE_NAMES = (
    "Ahmed", "Ali", "Bilal", "Hamza", "Usman", "Umar", "Hassan", "Hussain", "Imran", "Kamran",
    "Faisal", "Tariq", "Zubair", "Asad", "Saad", "Fahad", "Adnan", "Junaid", "Waqas", "Shoaib",
    "Yasir", "Naveed", "Farhan", "Danish", "Salman", "Arslan", "Haris", "Talha", "Zeeshan",
    "Rizwan", "Atif", "Aamir", "Shahid", "Khalid", "Nadeem", "Sohail", "Irfan", "Waseem", "Asim",
    "Babar", "Jawad", "Owais", "Sami", "Sajid", "Raheel", "Mudassar", "Abdullah", "Ibrahim",
    "Mustafa", "Shahzad", "Qasim", "Noman", "Amjad", "Ehsan", "Zain", "Hammad", "Moiz", "Taimur",
    "Anwar", "Aftab", "Mohsin", "Rehan", "Fawad", "Zohaib", "Azhar", "Iftikhar", "Javed", "Saqib",
    "Wahab", "Obaid", "Ammar", "Shehzad", "Arif", "Ayaz", "Kashif", "Murtaza", "Nasir", "Omer",
)

FEMALE_NAMES = (
    "Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Hira", "Amna", "Nida", "Saba", "Mahnoor",
    "Iqra", "Sadia", "Rabia", "Sara", "Areeba", "Komal", "Mehwish", "Nadia", "Samina", "Farah",
    "Uzma", "Bushra", "Huma", "Kiran", "Maira", "Anum", "Rida", "Noor", "Zara", "Alizeh",
    "Javeria", "Sidra", "Shazia", "Lubna", "Asma", "Madiha", "Tehreem", "Laiba", "Hafsa",
    "Khadija", "Sumaira", "Fariha", "Ramsha", "Aiman", "Mehreen", "Saima", "Hina", "Erum",
)

FAMILY_NAMES = (
    "Khan", "Ahmed", "Ali", "Malik", "Qureshi", "Siddiqui", "Butt", "Chaudhry", "Sheikh",
    "Hussain", "Raza", "Iqbal", "Akhtar", "Aziz", "Farooq", "Mahmood", "Rehman", "Shah", "Baig",
    "Mirza", "Abbasi", "Awan", "Bhatti", "Javed", "Saeed", "Anwar", "Aslam", "Nawaz", "Tariq",
    "Haider", "Kiyani", "Niazi", "Lodhi", "Paracha", "Sethi", "Dar", "Mughal", "Qazi", "Usmani",
    "Hamdani", "Haq", "Ashraf", "Latif", "Zafar", "Sultan", "Kazmi", "Naqvi", "Zaidi", "Rizvi",
    "Jafri", "Hashmi", "Gilani", "Bukhari", "Ansari",
)

PROVINCE_FAMILY_NAMES = {
    "Punjab": ("Cheema", "Gill", "Janjua", "Rana", "Gondal", "Warraich", "Rajput", "Bajwa"),
    "Sindh": ("Memon", "Soomro", "Jatoi", "Shaikh", "Talpur", "Abro", "Channa", "Junejo"),
    "Khyber Pakhtunkhwa": ("Khattak", "Yousafzai", "Afridi", "Durrani", "Marwat", "Bangash"),
    "Balochistan": ("Baloch", "Bugti", "Marri", "Mengal", "Kakar", "Achakzai", "Rind"),
    "Islamabad Capital Territory": ("Abbasi", "Satti", "Kiyani", "Janjua"),
    "Gilgit-Baltistan": ("Baltistani", "Hunzai", "Nagri", "Shigri"),
    "Azad Kashmir": ("Mir", "Lone", "Rathore", "Sudhan"),
}
